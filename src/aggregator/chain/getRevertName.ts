import { BaseError, ContractFunctionRevertedError } from "viem";

/** The custom error name (e.g. "EpochNotClosed") a viem contract call or estimate reverted with, if it did. */
export function getRevertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError)
    return reverted.data?.errorName ?? reverted.reason ?? "reverted";
  return undefined;
}
