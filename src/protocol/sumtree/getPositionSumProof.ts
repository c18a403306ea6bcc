import { ProtocolError } from "../errors/ProtocolError.ts";
import { bytesToHex, readUint } from "../utils/bytes.ts";
import type { PositionSumNode, PositionSumProof, PositionSumTree } from "./PositionSumTree.ts";

/**
 * The proof of leaf `index` (0-based, < tree.length) of `tree`: its leaf node and its `tree.depth` siblings bottom-up
 * (`(hash, sum)`, sums uint256), the bits of `index` giving the sides. Throws INVALID_ARGUMENT for an index out of
 * range.
 */
export function getPositionSumProof(tree: PositionSumTree, index: number): PositionSumProof {
  if (!Number.isSafeInteger(index) || index < 0 || index >= tree.length)
    throw new ProtocolError("INVALID_ARGUMENT", `Leaf index ${index} is out of range [0, ${tree.length - 1}].`, {
      field: "index",
    });
  const { nodes, levelStarts } = tree;
  const siblings: PositionSumNode[] = [];
  let at = index;
  for (let k = 0; k < tree.depth; k++, at = Math.floor(at / 2)) {
    const s = (levelStarts[k]! + (at % 2 === 0 ? at + 1 : at - 1)) * 64;
    siblings.push({ hash: bytesToHex(nodes, s, s + 32), sum: readUint(nodes, s + 32, 32) });
  }
  const leaf = index * 64;
  return { index, leafHash: bytesToHex(nodes, leaf, leaf + 32), value: readUint(nodes, leaf + 32, 32), siblings };
}
