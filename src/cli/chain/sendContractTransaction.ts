import type { Abi, Hash, TransactionReceipt } from "viem";
import type { Address } from "../../protocol/types.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";
import type { SentenceFormat } from "../errors/errorSentences.ts";
import { toCliError } from "../errors/toCliError.ts";
import type { Signer } from "../keys/resolveSigner.ts";
import type { Chain } from "./connectChain.ts";

export type ContractCall = {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
  /** What the transaction does, for messages: "Funding the pool". */
  doing: string;
  /** How revert sentences show amounts (the pool's token). */
  format?: SentenceFormat;
};

export type SentTransaction = { hash: Hash; receipt: TransactionReceipt; result: unknown };

/**
 * Simulates the call (so a revert is caught, decoded and explained before anything is signed), sends it signed by
 * `signer`, and waits for it to be mined. Reverts become CONTRACT_REVERTED (exit 4) with the custom error's name
 * and a sentence; a mined-but-failed transaction TRANSACTION_FAILED.
 */
export async function sendContractTransaction(
  ctx: CommandContext,
  chain: Chain,
  signer: Signer,
  call: ContractCall,
): Promise<SentTransaction> {
  const walletClient = ctx.deps.createWalletClient(chain.rpcUrl, signer.account, chain.chainId);
  try {
    const { request, result } = await chain.publicClient.simulateContract({
      account: signer.account,
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
      ...(call.value === undefined ? {} : { value: call.value }),
    } as never);
    const hash = await walletClient.writeContract(request as never);
    ctx.output.info(`${call.doing}: transaction ${hash}`);
    const receipt = await chain.publicClient.waitForTransactionReceipt({
      hash,
      pollingInterval: 250,
      timeout: 120_000,
    });
    if (receipt.status !== "success")
      throw new CliError("TRANSACTION_FAILED", `${call.doing} failed: transaction ${hash} was mined but reverted.`, {
        data: { hash },
      });
    return { hash, receipt, result };
  } catch (err) {
    throw toCliError(err, call.format, call.doing);
  }
}
