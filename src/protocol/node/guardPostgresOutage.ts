import { isPostgresUnavailable } from "./isPostgresUnavailable.ts";

/**
 * Runs `fn`, rethrowing an outage of PostgreSQL (isPostgresUnavailable) as an Error with code STORAGE_UNAVAILABLE
 * (the original kept as `cause`), the code the services answer 503 with `Retry-After` for. Other errors pass as they are.
 */
export async function guardPostgresOutage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isPostgresUnavailable(error)) throw error;
    throw Object.assign(new Error(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error }), {
      code: "STORAGE_UNAVAILABLE",
    });
  }
}
