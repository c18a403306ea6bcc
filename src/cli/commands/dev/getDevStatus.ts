import { getAbiItem } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { DistributorConfig } from "../../../contracts/DistributorConfig.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { getChainLogs } from "../../chain/getChainLogs.ts";
import { listPoolIds } from "../../chain/listPoolIds.ts";
import { readPool } from "../../chain/readPool.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { type DevConfig, pickDevConfig } from "./pickDevConfig.ts";

export type DevStatusResult = {
  chain: { chainId: number; rpcUrl: string; blockNumber: bigint; timestamp: bigint };
  distributor: Address;
  config: DevConfig;
  currentEpoch: bigint;
  currentEpochClosesAt: bigint;
  system: {
    nextEpoch: bigint;
    claimableEnd: bigint;
    latestClaimableEpoch: bigint | null;
    openChallenges: bigint;
    blockedFrom: bigint | null;
    paused: boolean;
    claimRoot: Hex;
  };
  aggregators: { address: Address; bond: bigint; active: boolean; exitAvailableAt: bigint }[];
  pools: {
    poolId: Hex;
    owner: Address;
    symbol: string;
    pricePerGB: AmountJson;
    unallocated: AmountJson;
    owed: AmountJson;
  }[];
  epochs: {
    epoch: bigint;
    root: Hex;
    status: "pending" | "claimable";
    postedAt: bigint;
    claimableFrom: bigint;
    bundleURI: string;
    pools: number;
  }[];
};

/**
 * `meshpay dev status`: the chain head, the deployment's parameters and state, its aggregators, pools and the latest
 * epochs.
 */
export async function getDevStatus(args: { epochs?: string }, ctx: CommandContext): Promise<DevStatusResult> {
  const chain = await connectChain(ctx);
  const c = chain.publicClient;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    c.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const [head, config, state, currentEpoch, [hasClaimable, claimableEpoch]] = await Promise.all([
    c.getBlock({ blockTag: "latest" }),
    read<DistributorConfig>("config"),
    read<{
      nextEpoch: bigint;
      claimableEnd: bigint;
      blockedFrom: bigint;
      openChallenges: bigint;
      paused: boolean;
      claimRoot: Hex;
    }>("systemState"),
    read<bigint>("currentEpoch"),
    read<readonly [boolean, bigint]>("latestClaimableEpoch"),
  ]);
  const closesAt = await read<bigint>("epochClosesAt", [currentEpoch]);

  const registered = await getChainLogs(chain, {
    events: [getAbiItem({ abi: rewardDistributorAbi, name: "AggregatorRegistered" })],
  });
  const aggregators = await Promise.all(
    [...new Set(registered.map((l) => l.args.aggregator!))].map(async (address) => {
      const info = await read<{ bond: bigint; active: boolean; exitAvailableAt: bigint }>("aggregatorInfo", [address]);
      return { address, bond: info.bond, active: info.active, exitAvailableAt: info.exitAvailableAt };
    }),
  );

  const pools = await Promise.all(
    (await listPoolIds(chain)).map(async ({ poolId }) => {
      const p = await readPool(chain, poolId);
      return {
        poolId,
        owner: p.owner,
        symbol: p.token.symbol,
        pricePerGB: amountJson(p.pricePerGB, p.token),
        unallocated: amountJson(p.unallocated, p.token),
        owed: amountJson(p.owed, p.token),
      };
    }),
  );

  const limit = args.epochs === undefined ? 10 : Math.max(1, Number(args.epochs) || 10);
  const posted = await getChainLogs(chain, {
    events: [getAbiItem({ abi: rewardDistributorAbi, name: "EpochPosted" })],
  });
  const latest = new Map<bigint, (typeof posted)[number]>();
  for (const log of posted) if (log.args.epoch! < state.nextEpoch) latest.set(log.args.epoch!, log);
  const shown = [...latest.values()].slice(-limit);
  const epochs = await Promise.all(
    shown.map(async (log) => {
      const [block, claimable] = await Promise.all([
        c.getBlock({ blockNumber: log.blockNumber }),
        read<boolean>("isClaimable", [log.args.epoch!]),
      ]);
      return {
        epoch: log.args.epoch!,
        root: log.args.root!,
        status: (claimable ? "claimable" : "pending") as "pending" | "claimable",
        postedAt: block.timestamp,
        claimableFrom: block.timestamp + config.challengeWindow,
        bundleURI: log.args.bundleURI!,
        pools: log.args.poolTotals!.length,
      };
    }),
  );
  const MAX = (1n << 256n) - 1n;
  return {
    chain: { chainId: chain.chainId, rpcUrl: chain.rpcUrl, blockNumber: head.number, timestamp: head.timestamp },
    distributor: chain.distributor,
    config: pickDevConfig(config),
    currentEpoch,
    currentEpochClosesAt: closesAt,
    system: {
      nextEpoch: state.nextEpoch,
      claimableEnd: state.claimableEnd,
      latestClaimableEpoch: hasClaimable ? claimableEpoch : null,
      openChallenges: state.openChallenges,
      blockedFrom: state.blockedFrom === MAX ? null : state.blockedFrom,
      paused: state.paused,
      claimRoot: state.claimRoot,
    },
    aggregators,
    pools,
    epochs,
  };
}
