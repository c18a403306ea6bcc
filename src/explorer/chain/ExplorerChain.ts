import type { Address, Hex } from "../../protocol/types.ts";

/** A token as the page shows it: amounts are formatted with its own decimals. */
export type TokenInfo = { address: Address; symbol: string; decimals: number };

/** The distributor's parameters (`config()`), seconds and wei. */
export type DistributorParams = {
  genesisTime: bigint;
  epochSeconds: bigint;
  graceSeconds: bigint;
  challengeWindow: bigint;
  arbiterTimeout: bigint;
  challengerBond: bigint;
};

/** A pool with the sums of its events (funded, paid, withdrawn) and its price history. */
export type PoolView = {
  poolId: Hex;
  token: TokenInfo;
  owner: Address;
  ticketSigner: Address;
  pricePerGB: bigint;
  unallocated: bigint;
  owed: bigint;
  withdrawal: { amount: bigint; availableAt: bigint } | null;
  metadataURI: string;
  createdBlock: bigint;
  funded: bigint;
  paid: bigint;
  withdrawn: bigint;
  /** Accounts that were paid from the pool (Claimed / ClaimedWithAuthorization), with what they were paid. */
  paidRelays: { account: Address; amount: bigint }[];
  /** Price history: the creation price from epoch 0, then every PoolPriceChanged. */
  prices: { fromEpoch: bigint; pricePerGB: bigint }[];
};

/** One `postEpoch` of an epoch (an epoch rejected by a challenge is posted again: several attempts). */
export type EpochPostView = {
  epoch: bigint;
  attempt: number;
  aggregator: Address;
  root: Hex;
  bundleHash: Hex;
  bundleURI: string;
  poolTotals: { poolId: Hex; amount: bigint }[];
  blockNumber: bigint;
  transactionHash: Hex;
  /** The EpochRejected that ended this attempt, if any, and how its challenge was decided. */
  rejected: { challengeId: bigint; provenWrong: boolean } | null;
};

/** `epochInfo(epoch)` of the epoch's live post. */
export type EpochState = {
  root: Hex;
  postedAt: bigint;
  claimableAt: bigint;
  /** Challenges open on this post (any number; none restarts the window). */
  openChallenges: bigint;
  aggregator: Address;
  postSeq: bigint;
  posted: boolean;
  claimable: boolean;
};

export type ChallengeStatus = "open" | "upheld" | "dismissed" | "expired" | "voided";

export type ChallengeView = {
  challengeId: bigint;
  epoch: bigint;
  challenger: Address;
  bond: bigint;
  evidenceHash: Hex;
  evidenceURI: string;
  openedAt: bigint;
  /** openedAt + arbiterTimeout: after it anyone may resolve the challenge as expired. */
  deadline: bigint;
  status: ChallengeStatus;
  /** The arbiter that upheld or dismissed it. */
  decidedBy: Address | null;
  openedTx: Hex;
  decidedTx: Hex | null;
};

/** Everything the pages show from the chain, read at one block. */
export type ChainView = {
  chainId: number;
  blockNumber: bigint;
  /** The latest block's timestamp: "now" as the contract sees it. */
  chainTime: bigint;
  params: DistributorParams;
  nextEpoch: bigint;
  latestClaimableEpoch: bigint | null;
  openChallenges: bigint;
  paused: boolean;
  pools: PoolView[];
  /** Every post, oldest first. */
  posts: EpochPostView[];
  /** epochInfo of the latest posted epochs (the contract keeps the last 256 in its ring), by epoch. */
  epochs: Map<bigint, EpochState>;
  challenges: ChallengeView[];
};

/**
 * Every contract read the explorer makes, in one place (src/explorer/chain/createExplorerChain.ts), so that a new
 * contract ABI is adapted here alone. Errors are ExplorerError RPC_UNREACHABLE / CHAIN_MISMATCH.
 */
export type ExplorerChain = {
  readChainView(): Promise<ChainView>;
  /** What `account` has claimed from `poolId` so far (`claimed(poolId, account).amount`). */
  readClaimed(poolId: Hex, account: Address): Promise<bigint>;
  /** The root the contract holds for `epoch` (what a payout proof must reach). */
  readEpochRoot(epoch: bigint): Promise<Hex>;
};
