import type { Request } from "express";

export type PageQuery<Key> = {
  /** Items to answer at most (the endpoint's default when `limit` is absent). */
  limit: number;
  /** The sort key of the last item of the previous page (from `cursor`); undefined on the first page. */
  after: Key | undefined;
};

/** How the service makes its 400 error (an AggregatorError, a VerifierError): both codes are in its codes.ts. */
export type PageQueryError = (
  code: "REQUEST_INVALID" | "CURSOR_INVALID",
  message: string,
  data: { path: "limit" | "cursor" },
) => Error;

/**
 * Reads a list endpoint's `limit` (integer in [1, `maxLimit`], default `defaultLimit`; else 400 REQUEST_INVALID
 * with `details.path: "limit"`) and `cursor` (made by encodePageCursor for the same `list`; else 400
 * CURSOR_INVALID). `parseKey` checks the decoded key's parts and returns the typed key, or undefined when they do
 * not fit (also CURSOR_INVALID).
 */
export function readPageQuery<Key>(
  req: Request,
  error: PageQueryError,
  spec: {
    list: string;
    defaultLimit: number;
    maxLimit: number;
    parseKey: (parts: unknown[]) => Key | undefined;
  },
): PageQuery<Key> {
  const rawLimit = req.query.limit;
  let limit = spec.defaultLimit;
  if (rawLimit !== undefined) {
    limit = typeof rawLimit === "string" && /^[0-9]{1,10}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(limit >= 1 && limit <= spec.maxLimit))
      throw error("REQUEST_INVALID", `limit must be an integer in [1, ${spec.maxLimit}].`, { path: "limit" });
  }
  const rawCursor = req.query.cursor;
  if (rawCursor === undefined) return { limit, after: undefined };
  const invalid = () =>
    error(
      "CURSOR_INVALID",
      "cursor is not a cursor of this list; pass back the nextCursor of a previous answer unchanged.",
      { path: "cursor" },
    );
  if (typeof rawCursor !== "string" || !/^[A-Za-z0-9_-]{1,1024}$/.test(rawCursor)) throw invalid();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(rawCursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts[0] !== spec.list) throw invalid();
  const after = spec.parseKey(parts.slice(1));
  if (after === undefined) throw invalid();
  return { limit, after };
}
