import type { ItemResult } from "./openRelayStore.ts";
import type { ErrorEntry } from "./types.ts";

const STATUSES = new Set(["accepted", "already_accepted", "rejected"]);

/**
 * Reads the 200 answer of POST /v1/receipts (docs/api.md): one result per receipt, in request order.
 * Returns the results, or a string saying what is wrong with the answer.
 */
export function parseReceiptsResponse(
  raw: string,
  expectedCount: number,
  idempotencyKey: string,
): ItemResult[] | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "the body is not JSON";
  }
  if (!isObject(body) || !Array.isArray(body.results)) return "the body has no results array";
  if (typeof body.idempotencyKey === "string" && body.idempotencyKey !== idempotencyKey)
    return `the answer is for idempotency key ${body.idempotencyKey}`;
  if (body.results.length !== expectedCount) return `${body.results.length} results for ${expectedCount} receipts`;
  const out: ItemResult[] = [];
  for (let i = 0; i < body.results.length; i++) {
    const r: unknown = body.results[i];
    if (!isObject(r)) return `results[${i}] is not an object`;
    if (r.index !== undefined && r.index !== i) return `results[${i}].index is ${String(r.index)}`;
    if (typeof r.status !== "string" || !STATUSES.has(r.status))
      return `results[${i}].status is not accepted, already_accepted or rejected`;
    const receiptId = typeof r.receiptId === "string" ? r.receiptId.toLowerCase() : null;
    let epoch: number | null = null;
    if (typeof r.epoch === "number" && Number.isSafeInteger(r.epoch)) epoch = r.epoch;
    else if (typeof r.epoch === "string" && /^\d+$/.test(r.epoch)) epoch = Number(r.epoch);
    const errors: ErrorEntry[] = [];
    if (Array.isArray(r.errors))
      for (const e of r.errors)
        if (isObject(e) && typeof e.code === "string")
          errors.push({ code: e.code, message: typeof e.message === "string" ? e.message : "" });
    if (r.status === "rejected" && errors.length === 0)
      errors.push({ code: "UNSPECIFIED", message: "The aggregator gave no reason." });
    out.push({ status: r.status as ItemResult["status"], receiptId, epoch, errors });
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
