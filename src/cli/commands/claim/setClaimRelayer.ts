import { zeroAddress } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress } from "../../chain/parseArguments.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type SetClaimRelayerResult = {
  account: Address;
  previousRelayer: Address;
  /** The only account that may now submit this account's ClaimAuthorizations; the zero address: anyone. */
  relayer: Address;
  transaction: Hex;
};

/**
 * `meshpay claim set-relayer <relayer>` (or `--any`): setClaimRelayer, signed by the relay operator: from now on
 * only `relayer` may submit its ClaimAuthorizations (all pools); `--any` lifts the binding. NOTHING_TO_DO (exit 5)
 * when the binding is already that.
 */
export async function setClaimRelayer(
  args: { relayer?: string; any?: boolean },
  ctx: CommandContext,
): Promise<SetClaimRelayerResult> {
  if (!args.any && !args.relayer)
    throw new CliError("USAGE", "Give the relayer's address (the verifier's relayer account), or --any to unbind.");
  if (args.any && args.relayer) throw new CliError("USAGE", "Give either a relayer or --any, not both.");
  const relayer = args.any ? zeroAddress : parseAddress(args.relayer!, "relayer");
  const chain = await connectChain(ctx);
  const signer = await resolveSigner(ctx, "Binding claim authorizations to a relayer");
  const account = signer.account.address;
  const previousRelayer = await chain.publicClient.readContract({
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "claimRelayerOf",
    args: [account],
  });
  if (previousRelayer.toLowerCase() === relayer.toLowerCase())
    throw new CliError(
      "NOTHING_TO_DO",
      relayer === zeroAddress
        ? `${account}'s claim authorizations are not bound to a relayer; nothing to change.`
        : `${account}'s claim authorizations are already bound to ${relayer}.`,
    );
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "setClaimRelayer",
    args: [relayer],
    doing: "Setting the claim relayer",
  });
  return { account, previousRelayer, relayer, transaction: sent.hash };
}
