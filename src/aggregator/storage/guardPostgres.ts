import { isPostgresUnavailable } from "./isPostgresUnavailable.ts";

/**
 * Runs `fn`, rethrowing an outage of PostgreSQL (isPostgresUnavailable) as an error with code STORAGE_UNAVAILABLE
 * (its cause kept), the code the HTTP layer answers with 503 and Retry-After; any other error passes unchanged.
 */
export async function guardPostgres<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isPostgresUnavailable(error)) throw error;
    throw Object.assign(new Error(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error }), {
      code: "STORAGE_UNAVAILABLE",
    });
  }
}
