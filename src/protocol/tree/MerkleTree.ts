import type { Hex } from "../types.ts";

/**
 * A tree laid out exactly like @openzeppelin/merkle-tree's StandardMerkleTree (sorted leaves,
 * node i has children 2i+1 and 2i+2, sorted-pair hashing), stored as one flat byte array.
 */
export type MerkleTree = {
  /** Number of leaves. */
  readonly length: number;
  /** (2·length − 1) nodes × 32 bytes; node 0 is the root; sorted leaf j sits at node 2·length − 2 − j. */
  readonly nodes: Uint8Array;
  /** Input (value) index → node index, as StandardMerkleTree's `values[i].treeIndex`. */
  readonly treeIndex: Uint32Array;
  /** Root as 0x-hex. */
  readonly root: Hex;
  /** Leaf hash of input `index`. */
  leafHash(index: number): Hex;
  /** Proof for input `index`: the same array StandardMerkleTree.getProof(index) returns. */
  getProof(index: number): Hex[];
};
