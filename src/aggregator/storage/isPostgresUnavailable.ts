/** Node socket errors that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE"]);
/** SQLSTATE classes of a refused or lost connection (08), too little of a resource (53), a shutting down server. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

/** Whether a pg error means PostgreSQL is unreachable or refusing work right now (an outage, not a bad statement). */
export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code);
  // node-postgres reports a connection lost mid-query, a query on a client whose connection already failed ("Client
  // has encountered a connection error and is not queryable") or a connect timeout without a code.
  return (
    error instanceof Error &&
    /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(error.message)
  );
}
