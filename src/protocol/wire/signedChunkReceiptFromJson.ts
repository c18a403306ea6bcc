import type { SignedChunkReceipt } from "../types.ts";
import { chunkReceiptSpec, decodeSigned, type JsonIssue, throwIfIssues } from "./jsonFields.ts";

/**
 * Strictly decodes a signed chunk receipt from parsed JSON. Throws ProtocolError WIRE_INVALID_FIELD whose
 * `field` names the first wrong field (e.g. "receipt.segment") and whose details list every problem.
 * Unknown fields are refused; hex is lowercased.
 */
export function signedChunkReceiptFromJson(value: unknown): SignedChunkReceipt {
  const issues: JsonIssue[] = [];
  const out = decodeSigned(value, "receipt", chunkReceiptSpec, "", issues);
  throwIfIssues(issues, "signed chunk receipt");
  return out as unknown as SignedChunkReceipt;
}
