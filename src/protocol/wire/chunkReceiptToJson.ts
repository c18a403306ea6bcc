import type { ChunkReceipt } from "../types.ts";
import { chunkReceiptSpec, encodeFields } from "./jsonFields.ts";
import type { ChunkReceiptJson } from "./jsonTypes.ts";

/** JSON wire form of an unsigned chunk receipt. */
export function chunkReceiptToJson(value: ChunkReceipt): ChunkReceiptJson {
  return encodeFields(value, chunkReceiptSpec) as ChunkReceiptJson;
}
