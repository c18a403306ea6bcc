import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { writeHex } from "../utils/bytes.ts";
import { buildMerkleTree } from "./buildMerkleTree.ts";
import type { MerkleTree } from "./MerkleTree.ts";

export type ReceiptsTree = MerkleTree & { readonly receiptIds: readonly Hex[] };

/**
 * Tree over the receipts credited to one (account, pool) in one epoch: StandardMerkleTree with leaf
 * type ["bytes32"] over the receiptIds, so `getProof(i)` proves `receiptIds[i]` with OZ MerkleProof.
 * The root depends only on the set (leaves are sorted by hash). Throws INVALID_ARGUMENT for an
 * empty list (its root is bytes32(0), see getReceiptsRoot) or a repeated receiptId.
 */
export function buildReceiptsTree(receiptIds: readonly Hex[], keccak: Keccak256 = keccak256): ReceiptsTree {
  if (receiptIds.length === 0)
    throw new ProtocolError(
      "INVALID_ARGUMENT",
      "A receipts tree needs at least one receipt; an empty set's root is bytes32(0).",
      {
        field: "receiptIds",
      },
    );
  const leaves = new Uint8Array(receiptIds.length * 32);
  const id = new Uint8Array(32);
  const seen = new Set<string>();
  receiptIds.forEach((receiptId, i) => {
    const lower = receiptId.toLowerCase();
    if (seen.has(lower))
      throw new ProtocolError("INVALID_ARGUMENT", `receiptIds[${i}] repeats ${receiptId}.`, {
        field: `receiptIds[${i}]`,
      });
    seen.add(lower);
    writeHex(id, 0, receiptId, 32, `receiptIds[${i}]`);
    leaves.set(keccak(keccak(id)), i * 32);
  });
  return Object.assign(buildMerkleTree(leaves, keccak), { receiptIds });
}
