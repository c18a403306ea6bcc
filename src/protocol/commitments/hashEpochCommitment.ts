import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { EpochCommitmentPreimage } from "./types.ts";

const buf = new Uint8Array(224);

/**
 * A claim leaf's `epochCommitment`: `keccak256(abi.encode(uint256 epochBytes, uint256 baseAmount, uint256
 * epochAmount, uint256 bonusAmount, bytes32 receiptsRoot, uint256 receiptCount, uint256 prevCumulative))`
 * (bytes, then token base units, then the receipts tree's root and leaf count, then token base units).
 * Throws INVALID_ARGUMENT naming the field (`commitment.epochAmount`, …).
 */
export function hashEpochCommitment(preimage: EpochCommitmentPreimage, keccak: Keccak256 = keccak256): Hex {
  writeUint(buf, 0, preimage.epochBytes, 32, "commitment.epochBytes");
  writeUint(buf, 32, preimage.baseAmount, 32, "commitment.baseAmount");
  writeUint(buf, 64, preimage.epochAmount, 32, "commitment.epochAmount");
  writeUint(buf, 96, preimage.bonusAmount, 32, "commitment.bonusAmount");
  writeHex(buf, 128, preimage.receiptsRoot, 32, "commitment.receiptsRoot");
  writeUint(buf, 160, preimage.receiptCount, 32, "commitment.receiptCount");
  writeUint(buf, 192, preimage.prevCumulative, 32, "commitment.prevCumulative");
  return bytesToHex(keccak(buf));
}
