import { getReceiptId } from "../protocol/eip712/getReceiptId.ts";
import { signDigest } from "../protocol/signature/signDigest.ts";
import type { ChunkReceipt, Hex, SignedChunkReceipt } from "../protocol/types.ts";
import type { SimulationState } from "./SimulationState.ts";

/** Signs `receipt` with `privateKey`, natively when the simulation's signer is "native". */
export function signReceipt(
  sim: SimulationState,
  receipt: ChunkReceipt,
  privateKey: Hex,
): { signed: SignedChunkReceipt; receiptId: Hex } {
  if (sim.nativeSigner) return sim.nativeSigner.sign(receipt, privateKey);
  const receiptId = getReceiptId(receipt, sim.options.domain, sim.keccak);
  return { signed: { receipt, signature: signDigest(receiptId, privateKey) }, receiptId };
}
