import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type AcceptPoolOwnershipResult = {
  poolId: Hex;
  previousOwner: Address;
  owner: Address;
  /** Whether a withdrawal request of the previous owner was pending (accepting cancels it). */
  cancelledWithdrawal: boolean;
  transaction: Hex;
};

/**
 * `meshpay pool accept-ownership <pool>`: acceptPoolOwnership, signed by the pending owner; the pool is then its. A
 * withdrawal request of the previous owner is cancelled by the contract. A signer that is not the pending owner is
 * refused with the contract's PoolNotPendingOwner in a sentence (exit 4).
 */
export async function acceptPoolOwnership(
  args: { poolId: string },
  ctx: CommandContext,
): Promise<AcceptPoolOwnershipResult> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const signer = await resolveSigner(ctx, "Accepting a pool");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "acceptPoolOwnership",
    args: [poolId],
    doing: "Accepting the pool",
    format: tokenSentenceFormat(pool.token),
  });
  return {
    poolId,
    previousOwner: pool.owner,
    owner: signer.account.address,
    cancelledWithdrawal: pool.withdrawalAvailableAt !== 0n,
    transaction: sent.hash,
  };
}
