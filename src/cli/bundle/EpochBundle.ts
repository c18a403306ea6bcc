import type { Address, Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";

/** A parsed epoch bundle (docs/bundle.md, v1). Hex is lowercase; `line` is the 1-based line number. */
export type EpochBundle = {
  header: {
    chainId: bigint;
    distributor: Address;
    epoch: bigint;
    genesisTime: bigint;
    epochSeconds: bigint;
    graceSeconds: bigint;
    previousBundleHash: Hex;
    snapshotBlock: bigint;
    root: Hex;
    poolCount: number;
    ticketCount: number;
    receiptCount: number;
    leafCount: number;
  };
  pools: {
    line: number;
    poolId: Hex;
    pricePerGB: bigint;
    available: bigint;
    epochBytes: bigint;
    rawTotal: bigint;
    total: bigint;
  }[];
  tickets: { line: number; ticketHash: Hex; signed: SignedViewerTicket }[];
  receipts: { line: number; receiptId: Hex; signed: SignedChunkReceipt }[];
  leaves: (RewardLeaf & { line: number })[];
};
