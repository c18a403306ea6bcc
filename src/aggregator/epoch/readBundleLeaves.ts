import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Hex, RewardLeaf } from "../../protocol/types.ts";

/**
 * Reads the reward leaves of a bundle this aggregator wrote, starting at the byte offset of its first leaf line,
 * up to its `end` line (which must be there and agree on the count). Leaves come in file order (poolId, account).
 */
export async function readBundleLeaves(path: string, leavesOffset: number): Promise<RewardLeaf[]> {
  const leaves: RewardLeaf[] = [];
  const lines = createInterface({ input: createReadStream(path, { start: leavesOffset }), crlfDelay: Infinity });
  let ended = false;
  for await (const line of lines) {
    const item = JSON.parse(line) as Record<string, unknown>;
    if (item.type === "leaf") {
      leaves.push({
        account: item.account as Hex,
        poolId: item.poolId as Hex,
        cumulativeAmount: BigInt(item.cumulativeAmount as string),
        epochBytes: BigInt(item.epochBytes as string),
        epochAmount: BigInt(item.epochAmount as string),
        receiptsRoot: item.receiptsRoot as Hex,
      });
    } else if (item.type === "end") {
      if (item.leafCount !== leaves.length)
        throw new Error(`Bundle ${path}: end line says ${String(item.leafCount)} leaves, read ${leaves.length}.`);
      ended = true;
      break;
    } else throw new Error(`Bundle ${path}: unexpected "${String(item.type)}" line among the leaves.`);
  }
  lines.close();
  if (!ended) throw new Error(`Bundle ${path} is truncated: no end line.`);
  return leaves;
}
