import { createReadStream } from "node:fs";
import { readBundleItems } from "../../protocol/bundle/readBundleItems.ts";
import type { RewardLeaf } from "../../protocol/types.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";

/**
 * Reads the reward leaves of a bundle this aggregator wrote (either format), from the byte offset of its leaves
 * (v1: its first leaf line; v2: its first leaf record),
 * up to its `end` line (which must be there and agree on the count). Leaves come in file order (poolId, account).
 * A malformed file is an AggregatorError INTERNAL (500; its cause the parser's ProtocolError BUNDLE_MALFORMED).
 */
export async function readBundleLeaves(path: string, leavesOffset: number): Promise<RewardLeaf[]> {
  const leaves: RewardLeaf[] = [];
  try {
    for await (const item of readBundleItems(createReadStream(path, { start: leavesOffset }), { startAt: "leaf" }))
      if (item.type === "leaf") {
        const { type: _type, line: _line, ...leaf } = item;
        leaves.push(leaf);
      }
  } catch (cause) {
    const reason = (cause as { shortMessage?: string }).shortMessage ?? String(cause);
    throw new AggregatorError("INTERNAL", `Bundle ${path} (from byte ${leavesOffset}): ${reason}`, {
      cause,
      status: 500,
    });
  }
  return leaves;
}
