import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { PoolAccountNode } from "./types.ts";

const buf = new Uint8Array(96);

/**
 * Leaf hash of an account in its pool's accounts tree (`leavesRoot`): `keccak256(abi.encode(address account,
 * uint256 cumulativeAmount, bytes32 epochCommitment))` (token base units; the node's value,
 * packPoolAccountValue(baseAmount, epochAmount + bonusAmount), is not hashed). Throws INVALID_ARGUMENT naming the field (`account.cumulativeAmount`, …).
 */
export function hashPoolAccountNode(
  node: Pick<PoolAccountNode, "account" | "cumulativeAmount" | "epochCommitment">,
  keccak: Keccak256 = keccak256,
): Hex {
  buf.fill(0, 0, 12);
  writeHex(buf, 12, node.account, 20, "account.account");
  writeUint(buf, 32, node.cumulativeAmount, 32, "account.cumulativeAmount");
  writeHex(buf, 64, node.epochCommitment, 32, "account.epochCommitment");
  return bytesToHex(keccak(buf));
}
