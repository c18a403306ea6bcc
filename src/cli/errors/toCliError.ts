import {
  type ContractFunctionRevertedError,
  formatEther,
  HttpRequestError,
  InsufficientFundsError,
  LimitExceededRpcError,
  TimeoutError,
  BaseError as ViemBaseError,
} from "viem";
import { MeshpayApiError } from "../../client/MeshpayApiError.ts";
import { findContractRevert } from "../../contracts/findContractRevert.ts";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import { formatTimestamp } from "../format/formatTime.ts";
import { apiErrorToCliError } from "./apiErrorToCliError.ts";
import { CliError } from "./CliError.ts";
import { errorSentences, type SentenceFormat } from "./errorSentences.ts";

/** Default formatting for revert sentences when the token is not known. */
export const plainSentenceFormat: SentenceFormat = {
  amount: (units) => `${units} base units`,
  wei: (units) => `${formatEther(units)} ETH`,
  time: (seconds) => formatTimestamp(seconds),
};

/**
 * Turns anything thrown into a CliError: a decoded custom error (CONTRACT_REVERTED: its name and a sentence), an
 * account without gas money (INSUFFICIENT_GAS_FUNDS), an RPC that does not answer (RPC_UNREACHABLE), a service's
 * answer through the typed client (apiErrorToCliError), or INTERNAL.
 */
export function toCliError(err: unknown, format: SentenceFormat = plainSentenceFormat, doing?: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof MeshpayApiError) return apiErrorToCliError(err);
  if (err instanceof ViemBaseError) {
    const reverted = findContractRevert(err);
    if (reverted) return describeRevert(reverted, format, doing, err);
    if (
      err.walk((e) => e instanceof InsufficientFundsError) ||
      /doesn't have enough funds|insufficient funds/i.test(err.message)
    )
      return new CliError(
        "INSUFFICIENT_GAS_FUNDS",
        `The account does not have enough ETH to pay for the transaction's gas${doing ? ` (${doing})` : ""}.`,
        {
          cause: err,
          hint: "Send some ETH to it first.",
        },
      );
    const limited = err.walk((e) => e instanceof LimitExceededRpcError) as LimitExceededRpcError | null;
    if (limited)
      return new CliError(
        "RPC_LIMIT_EXCEEDED",
        `The chain's RPC endpoint refused a request as over its limits: ${limited.details || limited.shortMessage}`,
        {
          cause: err,
          hint:
            "For log queries, lower the block span with MESHPAY_LOG_BLOCK_RANGE or the deployment file's " +
            "logBlockRange (default 1000).",
        },
      );
    if (err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError) || isNetworkError(err)) {
      const url = (err.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null)?.url;
      return new CliError("RPC_UNREACHABLE", `The chain's RPC endpoint${url ? ` ${url}` : ""} does not answer.`, {
        cause: err,
        hint: "Is the node running? Check --rpc, MESHPAY_RPC_URL or the deployment file's rpcUrl.",
      });
    }
    return new CliError("INTERNAL", err.shortMessage || err.message, { cause: err });
  }
  if (isNetworkError(err))
    return new CliError("RPC_UNREACHABLE", "The chain's RPC endpoint does not answer.", { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new CliError("INTERNAL", message, { cause: err });
}

function describeRevert(
  reverted: ContractFunctionRevertedError,
  format: SentenceFormat,
  doing: string | undefined,
  cause: unknown,
): CliError {
  const name = reverted.data?.errorName;
  const args = (reverted.data?.args ?? []) as readonly unknown[];
  const prefix = doing ? `${doing} was refused: ` : "";
  if (name) {
    const sentence = errorSentences[name]?.(args, format) ?? `The contract refused with ${name}.`;
    return new CliError("CONTRACT_REVERTED", `${prefix}${name}: ${sentence}`, {
      cause,
      data: { error: name, args: toJsonSafe(args) },
    });
  }
  if (reverted.reason)
    return new CliError("CONTRACT_REVERTED", `${prefix}the contract reverted: ${reverted.reason}`, {
      cause,
      data: { reason: reverted.reason },
    });
  return new CliError(
    "CONTRACT_REVERTED",
    `${prefix}the contract reverted without a reason${reverted.signature ? ` (error ${reverted.signature})` : ""}.`,
    {
      cause,
    },
  );
}

function isNetworkError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (
      typeof code === "string" &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET)$/.test(
        code,
      )
    )
      return true;
    if (typeof message === "string" && /fetch failed|ECONNREFUSED/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
