import type { SignedChunkReceipt } from "../types.ts";
import { chunkReceiptSpec, encodeFields } from "./jsonFields.ts";
import type { ChunkReceiptJson, SignedChunkReceiptJson } from "./jsonTypes.ts";

/** JSON wire form of a signed chunk receipt (see docs/protocol.md "JSON"). */
export function signedChunkReceiptToJson(signed: SignedChunkReceipt): SignedChunkReceiptJson {
  return { receipt: encodeFields(signed.receipt, chunkReceiptSpec) as ChunkReceiptJson, signature: signed.signature };
}
