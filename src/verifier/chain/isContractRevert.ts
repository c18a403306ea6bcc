import { ContractFunctionRevertedError, BaseError as ViemBaseError } from "viem";

/**
 * Whether `err` is a contract revert (optionally with the custom error `errorName`) rather than a transport
 * failure. Audits must tell them apart: an unreachable RPC is a reason to retry, never a finding.
 */
export function isContractRevert(err: unknown, errorName?: string): boolean {
  if (!(err instanceof ViemBaseError)) return false;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return false;
  return errorName === undefined || revert.data?.errorName === errorName;
}

/** The custom error name of a contract revert, if there is one. */
export function getRevertErrorName(err: unknown): string | undefined {
  if (!(err instanceof ViemBaseError)) return undefined;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError
    ? (revert.data?.errorName ?? revert.reason ?? "reverted")
    : undefined;
}
