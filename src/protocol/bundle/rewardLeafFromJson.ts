import type { RewardLeaf } from "../types.ts";
import { decodeFields, type JsonIssue, throwIfIssues } from "../wire/jsonFields.ts";
import { rewardLeafSpec } from "./rewardLeafSpec.ts";

/**
 * Strictly decodes a reward leaf from parsed JSON (hex of the right length, lowercased; amounts as decimal strings
 * of a uint256; no other fields). Throws ProtocolError WIRE_INVALID_FIELD naming the field (`leaf.<name>`).
 */
export function rewardLeafFromJson(value: unknown): RewardLeaf {
  const issues: JsonIssue[] = [];
  const out = decodeFields(value, rewardLeafSpec, "leaf", issues);
  throwIfIssues(issues, "reward leaf");
  return out as unknown as RewardLeaf;
}
