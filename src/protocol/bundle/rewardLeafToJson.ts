import type { RewardLeaf } from "../types.ts";
import { encodeFields } from "../wire/jsonFields.ts";
import { rewardLeafSpec } from "./rewardLeafSpec.ts";
import type { RewardLeafJson } from "./types.ts";

/** JSON form of a reward leaf: amounts as decimal strings, keys in the documented order. */
export function rewardLeafToJson(leaf: RewardLeaf): RewardLeafJson {
  return encodeFields(leaf, rewardLeafSpec) as RewardLeafJson;
}
