/** Node socket errors that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE"]);
/** SQLSTATE classes of a lost or refused connection (08), exhausted resources (53) and a shutting-down server (57P0x). */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

/**
 * Whether a node-postgres error means PostgreSQL is unreachable or refusing work right now (retry later) rather than
 * that the statement is wrong: a socket error, one of the SQLSTATEs above, or node-postgres's own code-less
 * "Connection terminated", connect-timeout and "not queryable" (a client whose socket already failed) errors.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code);
  return (
    error instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect|encountered a connection error and is not queryable|Client was closed and is not queryable/i.test(
      error.message,
    )
  );
}
