import type { RewardLeaf } from "../types.ts";

/** A `leaf` line, ending in "\n" (see headerLine for the encoding; the fields are rewardLeafToJson's). */
export function leafLine(l: RewardLeaf): string {
  return (
    `{"type":"leaf","account":"${l.account}","poolId":"${l.poolId}","cumulativeAmount":"${l.cumulativeAmount}",` +
    `"epochBytes":"${l.epochBytes}","epochAmount":"${l.epochAmount}","receiptsRoot":"${l.receiptsRoot}"}\n`
  );
}
