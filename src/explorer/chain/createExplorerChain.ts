import { createPublicClient, erc20Abi, http, type PublicClient } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import type {
  ChainView,
  ChallengeStatus,
  ChallengeView,
  EpochPostView,
  EpochState,
  ExplorerChain,
  PoolView,
  TokenInfo,
} from "./ExplorerChain.ts";

const CHALLENGE_STATUS: ChallengeStatus[] = ["open", "open", "upheld", "dismissed", "expired", "voided"];
/** The contract keeps this many epochs in its ring; older ones are read from their events alone. */
const RING = 256n;
/** Every event of the distributor (the explorer reads them all). */
const DISTRIBUTOR_EVENTS = rewardDistributorAbi.filter(
  (item): item is Extract<(typeof rewardDistributorAbi)[number], { type: "event" }> => item.type === "event",
);

/**
 * The explorer's chain reader (viem in the browser, straight to the RPC endpoint): the distributor's events since
 * `fromBlock` in eth_getLogs queries of at most `logRange` blocks each (getLogsChunked: public endpoints cap the span
 * of one query; default 5,000), its views in batched JSON-RPC requests.
 */
export function createExplorerChain(args: {
  rpcUrl: string;
  distributor: Address;
  fromBlock: bigint;
  /** Most blocks one eth_getLogs may span (default 5,000). */
  logRange?: bigint;
  chainId?: number;
  client?: PublicClient;
}): ExplorerChain {
  const client =
    args.client ??
    createPublicClient({ transport: http(args.rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 0 }) });
  const address = args.distributor;
  const tokens = new Map<string, Promise<TokenInfo>>();

  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (cause) {
      if (cause instanceof ExplorerError) throw cause;
      throw new ExplorerError("RPC_UNREACHABLE", `The chain's RPC endpoint ${args.rpcUrl} did not answer (${what}).`, {
        cause,
      });
    }
  };
  const read = <T>(functionName: string, fnArgs: readonly unknown[] = []) =>
    client.readContract({ address, abi: rewardDistributorAbi, functionName, args: fnArgs } as never) as Promise<T>;

  const token = (tokenAddress: Address): Promise<TokenInfo> => {
    const key = tokenAddress.toLowerCase();
    let p = tokens.get(key);
    if (!p) {
      p = Promise.all([
        client.readContract({ address: tokenAddress, abi: erc20Abi, functionName: "symbol" }),
        client.readContract({ address: tokenAddress, abi: erc20Abi, functionName: "decimals" }),
      ]).then(([symbol, decimals]) => ({ address: tokenAddress, symbol, decimals }));
      p.catch(() => tokens.delete(key));
      tokens.set(key, p);
    }
    return p;
  };

  return {
    readChainView: () =>
      call("reading the distributor", async () => {
        const [chainId, block] = await Promise.all([client.getChainId(), client.getBlock({ blockTag: "latest" })]);
        if (args.chainId && chainId !== args.chainId)
          throw new ExplorerError(
            "CHAIN_MISMATCH",
            `${args.rpcUrl} serves chain ${chainId}, but the explorer is configured for chain ${args.chainId}.`,
          );
        const [config, state, [hasClaimable, claimableEpoch], logs] = await Promise.all([
          read<{
            genesisTime: bigint;
            epochSeconds: bigint;
            graceSeconds: bigint;
            challengeWindow: bigint;
            arbiterTimeout: bigint;
            challengerBond: bigint;
          }>("config"),
          read<{ nextEpoch: bigint; openChallenges: bigint; paused: boolean }>("systemState"),
          read<readonly [boolean, bigint]>("latestClaimableEpoch"),
          getLogsChunked(client, {
            address,
            events: DISTRIBUTOR_EVENTS,
            fromBlock: args.fromBlock,
            toBlock: block.number,
            range: args.logRange,
          }),
        ]);

        // Pools and their event sums.
        const pools = new Map<string, Omit<PoolView, "token" | "pricePerGB" | "unallocated" | "owed" | "withdrawal">>();
        const pool = (id: Hex) => pools.get(id.toLowerCase());
        const paidTo = new Map<string, Map<string, bigint>>();
        const posts: EpochPostView[] = [];
        const challenges = new Map<string, Omit<ChallengeView, "status" | "openedAt" | "deadline">>();
        for (const log of logs) {
          switch (log.eventName) {
            case "PoolCreated": {
              const a = log.args;
              pools.set(a.poolId.toLowerCase(), {
                poolId: a.poolId.toLowerCase() as Hex,
                owner: a.owner,
                ticketSigner: a.ticketSigner,
                metadataURI: a.metadataURI,
                createdBlock: log.blockNumber,
                funded: 0n,
                paid: 0n,
                withdrawn: 0n,
                paidRelays: [],
                prices: [{ fromEpoch: 0n, pricePerGB: a.pricePerGB }],
              });
              break;
            }
            case "PoolFunded": {
              const p = pool(log.args.poolId);
              if (p) p.funded += log.args.amount;
              break;
            }
            case "PoolWithdrawn": {
              const p = pool(log.args.poolId);
              if (p) p.withdrawn += log.args.amount;
              break;
            }
            case "PoolPriceChanged": {
              const p = pool(log.args.poolId);
              if (p) {
                p.prices = p.prices.filter((x) => x.fromEpoch < log.args.fromEpoch);
                p.prices.push({ fromEpoch: log.args.fromEpoch, pricePerGB: log.args.pricePerGB });
              }
              break;
            }
            case "Claimed":
            case "ClaimedWithAuthorization": {
              const id = log.args.poolId.toLowerCase();
              const p = pools.get(id);
              if (p) p.paid += log.args.amount;
              const byAccount = paidTo.get(id) ?? new Map<string, bigint>();
              const account = log.args.account;
              byAccount.set(account, (byAccount.get(account) ?? 0n) + log.args.amount);
              paidTo.set(id, byAccount);
              break;
            }
            case "EpochPosted": {
              const a = log.args;
              posts.push({
                epoch: a.epoch,
                attempt: posts.filter((p) => p.epoch === a.epoch).length + 1,
                aggregator: a.aggregator,
                root: a.root.toLowerCase() as Hex,
                bundleHash: a.bundleHash.toLowerCase() as Hex,
                bundleURI: a.bundleURI,
                poolTotals: a.poolTotals.map((t) => ({ poolId: t.poolId.toLowerCase() as Hex, amount: t.amount })),
                blockNumber: log.blockNumber,
                transactionHash: log.transactionHash,
                rejected: null,
              });
              break;
            }
            case "EpochRejected": {
              const post = posts.findLast((p) => p.epoch === log.args.epoch && !p.rejected);
              if (post) post.rejected = { challengeId: log.args.challengeId, provenWrong: false };
              break;
            }
            case "ChallengeOpened": {
              const a = log.args;
              challenges.set(String(a.challengeId), {
                challengeId: a.challengeId,
                epoch: a.epoch,
                challenger: a.challenger,
                bond: a.bond,
                evidenceHash: a.evidenceHash,
                evidenceURI: a.evidenceURI,
                decidedBy: null,
                openedTx: log.transactionHash,
                decidedTx: null,
              });
              break;
            }
            case "ChallengeUpheld":
            case "ChallengeDismissed":
            case "ChallengeExpired":
            case "ChallengeVoided": {
              const c = challenges.get(String(log.args.challengeId));
              if (c) {
                c.decidedTx = log.transactionHash;
                if ("arbiter" in log.args) c.decidedBy = log.args.arbiter;
              }
              break;
            }
          }
        }

        const poolIds = [...pools.keys()].sort();
        const ringStart = state.nextEpoch > RING ? state.nextEpoch - RING : 0n;
        const epochNumbers = [...new Set(posts.map((p) => p.epoch))].filter((e) => e >= ringStart);
        const [poolInfos, epochInfos, challengeInfos] = await Promise.all([
          Promise.all(
            poolIds.map((id) =>
              read<{
                token: Address;
                pricePerGB: bigint;
                unallocated: bigint;
                owed: bigint;
                withdrawalAmount: bigint;
                withdrawalAvailableAt: bigint;
                ticketSigner: Address;
              }>("poolInfo", [id]),
            ),
          ),
          Promise.all(epochNumbers.map((e) => read<EpochState>("epochInfo", [e]))),
          Promise.all(
            [...challenges.values()].map((c) =>
              read<{ openedAt: number; status: number }>("challengeInfo", [c.challengeId]),
            ),
          ),
        ]);
        const tokenInfos = await Promise.all(poolInfos.map((info) => token(info.token)));

        const challengeViews: ChallengeView[] = [...challenges.values()].map((c, i) => {
          const info = challengeInfos[i]!;
          const openedAt = BigInt(info.openedAt);
          return {
            ...c,
            openedAt,
            deadline: openedAt + config.arbiterTimeout,
            status: CHALLENGE_STATUS[info.status] ?? "open",
          };
        });
        for (const post of posts)
          if (post.rejected)
            post.rejected.provenWrong = challengeViews.some(
              (c) => c.challengeId === post.rejected!.challengeId && c.status === "upheld" && c.epoch === post.epoch,
            );

        const view: ChainView = {
          chainId,
          blockNumber: block.number,
          chainTime: block.timestamp,
          params: config,
          nextEpoch: state.nextEpoch,
          latestClaimableEpoch: hasClaimable ? claimableEpoch : null,
          openChallenges: state.openChallenges,
          paused: state.paused,
          pools: poolIds.map((id, i) => {
            const p = pools.get(id)!;
            const info = poolInfos[i]!;
            return {
              ...p,
              token: tokenInfos[i]!,
              ticketSigner: info.ticketSigner,
              pricePerGB: info.pricePerGB,
              unallocated: info.unallocated,
              owed: info.owed,
              withdrawal:
                info.withdrawalAmount > 0n
                  ? { amount: info.withdrawalAmount, availableAt: info.withdrawalAvailableAt }
                  : null,
              paidRelays: [...(paidTo.get(id) ?? new Map<string, bigint>())].map(([account, amount]) => ({
                account: account as Address,
                amount,
              })),
            };
          }),
          posts,
          epochs: new Map(epochNumbers.map((e, i) => [e, epochInfos[i]!])),
          challenges: challengeViews.sort((a, b) => (a.challengeId < b.challengeId ? 1 : -1)),
        };
        return view;
      }),
    readClaimed: (poolId, account) =>
      call("reading claimed()", async () => (await read<readonly [bigint, bigint]>("claimed", [poolId, account]))[0]),
    readEpochRoot: (epoch) =>
      call("reading epochInfo()", async () => (await read<EpochState>("epochInfo", [epoch])).root.toLowerCase() as Hex),
  };
}
