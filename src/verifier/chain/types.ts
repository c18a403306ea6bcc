import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { Address, EpochParams, Hex } from "../../protocol/types.ts";

/** The distributor's deployment parameters (config()). Seconds and wei. */
export type DistributorConfig = {
  genesisTime: bigint;
  epochSeconds: bigint;
  graceSeconds: bigint;
  challengeWindow: bigint;
  arbiterTimeout: bigint;
  aggregatorBond: bigint;
  challengerBond: bigint;
  challengerShareBps: bigint;
};

/** One pool's share as posted. */
export type PostedPoolTotal = { poolId: Hex; amount: bigint };

/** One EpochPosted event, with the block it is in. `id` is `<txHash>:<logIndex>`. */
export type PostedEpoch = {
  id: string;
  epoch: bigint;
  aggregator: Address;
  root: Hex;
  bundleHash: Hex;
  bundleURI: string;
  poolTotals: PostedPoolTotal[];
  dataHash: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  /** Timestamp of the posting block (unix seconds): the challenge window runs from here. */
  postedAt: bigint;
};

export type VerifierPublicClient = PublicClient<Transport, Chain | undefined>;
export type VerifierWalletClient = WalletClient<Transport, Chain | undefined, Account>;

/** What an audit reads from the chain; every read is pinned to a block so audits are reproducible. */
export type ChainFacts = {
  chainId: bigint;
  distributor: Address;
  config: DistributorConfig;
  epochParams: EpochParams;
  /** The pool's unallocated balance at `blockNumber`, or undefined when no such pool exists there. */
  unallocatedAt(poolId: Hex, blockNumber: bigint): Promise<bigint | undefined>;
  /** priceAt(poolId, epoch) read at `blockNumber`; undefined when no such pool exists there. */
  priceAt(poolId: Hex, epoch: bigint, blockNumber: bigint): Promise<bigint | undefined>;
  /** ticketSignerAt(poolId, timestamp) read at `blockNumber`; undefined when no such pool exists there. */
  ticketSignerAt(poolId: Hex, timestamp: bigint, blockNumber: bigint): Promise<Address | undefined>;
  /** The block's timestamp, or undefined when the chain has no such block yet. */
  blockTimestamp(blockNumber: bigint): Promise<bigint | undefined>;
};
