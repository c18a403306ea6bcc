import type { FieldSpec } from "../wire/jsonFields.ts";

/** The fields of a reward leaf in their documented order (docs/bundle.md, leaf line). */
export const rewardLeafSpec: FieldSpec = [
  ["account", "address"],
  ["poolId", "bytes32"],
  ["cumulativeAmount", "uint256"],
  ["epochBytes", "uint256"],
  ["epochAmount", "uint256"],
  ["receiptsRoot", "bytes32"],
];
