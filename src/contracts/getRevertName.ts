import { findContractRevert } from "./findContractRevert.ts";

/**
 * The custom error name (e.g. "EpochNotClosed") a viem contract call, simulation or estimate reverted with: the
 * require reason when there is no custom error, "reverted" when there is neither, undefined when `err` is no revert.
 */
export function getRevertName(err: unknown): string | undefined {
  const revert = findContractRevert(err);
  if (!revert) return undefined;
  return revert.data?.errorName ?? revert.reason ?? "reverted";
}
