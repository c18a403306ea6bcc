import type { ChunkReceipt } from "../types.ts";
import { chunkReceiptSpec, decodeFields, type JsonIssue, throwIfIssues } from "./jsonFields.ts";

/** Strictly decodes an unsigned chunk receipt from parsed JSON; throws WIRE_INVALID_FIELD naming the field. */
export function chunkReceiptFromJson(value: unknown): ChunkReceipt {
  const issues: JsonIssue[] = [];
  const out = decodeFields(value, chunkReceiptSpec, "receipt", issues);
  throwIfIssues(issues, "chunk receipt");
  return out as unknown as ChunkReceipt;
}
