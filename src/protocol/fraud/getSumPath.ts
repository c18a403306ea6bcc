import { getPositionSumProof } from "../sumtree/getPositionSumProof.ts";
import type { PositionSumTree } from "../sumtree/PositionSumTree.ts";
import type { SumPath } from "./types.ts";

/** The SumPath (IFraudProver) of leaf `index` of `tree`: index, the leaf's recorded value, siblings bottom-up. */
export function getSumPath(tree: PositionSumTree, index: number): SumPath {
  const proof = getPositionSumProof(tree, index);
  return { index: BigInt(index), value: proof.value, siblings: proof.siblings };
}
