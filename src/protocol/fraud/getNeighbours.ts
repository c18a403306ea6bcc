import type { PositionSumTree } from "../sumtree/PositionSumTree.ts";
import { getSumPath } from "./getSumPath.ts";
import type { Neighbours } from "./types.ts";

/**
 * The neighbours that prove a key absent from a tree sorted by key: `position` is the number of leaves whose key is
 * below it (the key would sit there), so `lower` is leaf position − 1 and `upper` leaf position, each with its path;
 * `hasLower` false at the start, `hasUpper` false at the end (both false: the tree is empty).
 */
export function getNeighbours<Leaf>(
  tree: PositionSumTree,
  leaves: readonly Leaf[],
  position: number,
): Neighbours<Leaf> {
  const hasLower = position > 0;
  const hasUpper = position < tree.length;
  return {
    hasLower,
    ...(hasLower ? { lower: leaves[position - 1]!, lowerPath: getSumPath(tree, position - 1) } : {}),
    hasUpper,
    ...(hasUpper ? { upper: leaves[position]!, upperPath: getSumPath(tree, position) } : {}),
  };
}
