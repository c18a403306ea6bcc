import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseInteger, parsePoolId } from "../../chain/parseArguments.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

/** The highest nonce revokeClaimAuthorizations takes: type(uint64).max >> 1. */
const MAX_REVOKE_NONCE = (1n << 63n) - 1n;

export type RevokeClaimAuthorizationsResult = {
  account: Address;
  /** One entry per pool: the next nonce before and after (every authorization with a nonce below `nonce` is dead). */
  pools: { poolId: Hex; previousNonce: bigint; nonce: bigint; transaction: Hex }[];
};

/**
 * `meshpay claim revoke-authorizations <pool>…`: revokeClaimAuthorizations(poolId, nonce) for each pool,
 * signed by the relay operator: every ClaimAuthorization it signed for the pool with a nonce below `nonce` can no
 * longer be used. The default `nonce` is the account's next nonce + 1 (so every authorization signed until now is
 * retired); `--below <nonce>` retires those below a given nonce (at most 2^63 - 1, USAGE otherwise), for
 * authorizations signed elsewhere with nonces above the next. NOTHING_TO_DO (exit 5) when `--below` does not move the
 * nonce on.
 */
export async function revokeClaimAuthorizations(
  args: { pools: string[]; below?: string },
  ctx: CommandContext,
): Promise<RevokeClaimAuthorizationsResult> {
  if (args.pools.length === 0) throw new CliError("USAGE", "Name the pool(s) whose authorizations to retire.");
  const poolIds = args.pools.map(parsePoolId);
  const below = args.below === undefined ? undefined : parseInteger(args.below, "nonce");
  // The contract keeps nonces far below 2^64 so later claims can always move on (ClaimAuthorizationNonce otherwise).
  if (below !== undefined && below > MAX_REVOKE_NONCE)
    throw new CliError("USAGE", `--below must be at most ${MAX_REVOKE_NONCE}, not ${below}.`);
  const chain = await connectChain(ctx);
  const signer = await resolveSigner(ctx, "Revoking claim authorizations");
  const account = signer.account.address;
  const out: RevokeClaimAuthorizationsResult["pools"] = [];
  for (const poolId of poolIds) {
    const [, current] = await chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "claimed",
      args: [poolId, account],
    });
    const nonce = below ?? current + 1n;
    if (nonce <= current)
      throw new CliError(
        "NOTHING_TO_DO",
        `Every authorization of ${account} for pool ${poolId} below nonce ${nonce} is already retired (the next ` +
          `nonce is ${current}).`,
      );
    const sent = await sendContractTransaction(ctx, chain, signer, {
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "revokeClaimAuthorizations",
      args: [poolId, nonce],
      doing: `Revoking the claim authorizations for pool ${poolId}`,
    });
    out.push({ poolId, previousNonce: current, nonce, transaction: sent.hash });
  }
  return { account, pools: out };
}
