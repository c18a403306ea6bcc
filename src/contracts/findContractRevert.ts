import { ContractFunctionRevertedError, BaseError as ViemBaseError } from "viem";

/**
 * The contract revert inside a viem error (a call, simulation or estimate the contract refused), or undefined when
 * `err` is something else: a transport failure, a timeout, not a viem error at all. Callers must tell them apart:
 * an unreachable RPC is a reason to retry, never a finding or a refusal.
 */
export function findContractRevert(err: unknown): ContractFunctionRevertedError | undefined {
  if (!(err instanceof ViemBaseError)) return undefined;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert : undefined;
}
