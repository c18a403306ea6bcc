import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { toCliError } from "../errors/toCliError.ts";
import type { TokenInfo } from "../format/formatAmount.ts";
import type { Chain } from "./connectChain.ts";

export type PoolState = {
  poolId: Hex;
  token: TokenInfo;
  owner: Address;
  ticketSigner: Address;
  /** Price for the current epoch, base units per 10^9 bytes. */
  pricePerGB: bigint;
  unallocated: bigint;
  owed: bigint;
  withdrawalAmount: bigint;
  /** 0 when no withdrawal is requested (contract clock). */
  withdrawalAvailableAt: bigint;
  /** The request can no longer be executed from then (contract clock); 0 when none is requested. */
  withdrawalExpiresAt: bigint;
  /** The account the owner offered the pool to (transferPoolOwnership), or the zero address. */
  pendingOwner: Address;
  metadataURI: string;
};

/** poolInfo(poolId) with the token's symbol and decimals; CONTRACT_REVERTED PoolNotFound for an unknown pool. */
export async function readPool(chain: Chain, poolId: Hex, blockNumber?: bigint): Promise<PoolState> {
  let info;
  try {
    info = await chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "poolInfo",
      args: [poolId],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    });
  } catch (err) {
    throw toCliError(err, undefined, `Reading pool ${poolId}`);
  }
  return {
    poolId,
    token: await chain.token(info.token),
    owner: info.owner,
    ticketSigner: info.ticketSigner,
    pricePerGB: info.pricePerGB,
    unallocated: info.unallocated,
    owed: info.owed,
    withdrawalAmount: info.withdrawalAmount,
    withdrawalAvailableAt: info.withdrawalAvailableAt,
    withdrawalExpiresAt: info.withdrawalExpiresAt,
    pendingOwner: info.pendingOwner,
    metadataURI: info.metadataURI,
  };
}
