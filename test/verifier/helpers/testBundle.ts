// Test helper: writes epoch bundles exactly as docs/bundle.md describes, with the protocol library, so the verifier
// can be tested without the aggregator; `cheat` hooks make the dishonest variants a faulty aggregator would post.
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { ZERO_HASH } from "../../../src/protocol/constants.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { keccak256 } from "../../../src/protocol/hash/keccak256.ts";
import { computeEpochRewards } from "../../../src/protocol/rewards/computeEpochRewards.ts";
import { buildRewardTree } from "../../../src/protocol/tree/buildRewardTree.ts";
import type {
  Address,
  EpochParams,
  Hex,
  MeshpayDomain,
  RewardLeaf,
  SignedChunkReceipt,
  SignedViewerTicket,
} from "../../../src/protocol/types.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { writeBundleV2 } from "../../protocol/bundle/helpers/writeBundleV2.ts";

/** The root of an epoch without leaves: keccak256("meshpay: epoch without leaves"). */
const EMPTY_EPOCH_ROOT =
  `0x${Buffer.from(keccak256(new TextEncoder().encode("meshpay: epoch without leaves"))).toString("hex")}` as Hex;

export type PoolLine = {
  poolId: Hex;
  pricePerGB: bigint;
  available: bigint;
  epochBytes: bigint;
  rawTotal: bigint;
  total: bigint;
};

export type TestBundle = {
  bytes: Uint8Array;
  hash: Hex;
  root: Hex;
  leaves: RewardLeaf[];
  pools: PoolLine[];
  poolTotals: { poolId: Hex; amount: bigint }[];
};

export type BundleCheat = {
  /** Rewrites the computed leaves (the root is then computed over the result, as a consistent cheater would). */
  leaves?: (leaves: RewardLeaf[]) => RewardLeaf[];
  pools?: (pools: PoolLine[]) => PoolLine[];
  /** Receipts listed in the bundle (default: the ones credited). */
  listedReceipts?: (receipts: SignedChunkReceipt[]) => SignedChunkReceipt[];
  /** Overrides the posted root (default: root of the leaves). */
  root?: (root: Hex) => Hex;
};

/**
 * Builds an honest epoch bundle from receipts and the pools' facts (what the chain says: price, unallocated balance
 * at the snapshot), then applies `cheat` if given.
 */
export function buildTestBundle(args: {
  domain: MeshpayDomain;
  epochParams: EpochParams;
  epoch: bigint;
  previousBundleHash?: Hex;
  snapshotBlock: bigint;
  tickets: SignedViewerTicket[];
  receipts: SignedChunkReceipt[];
  /** Receipts credited (default all). A cheater may credit receipts it does not list, or list more than it credits. */
  credited?: SignedChunkReceipt[];
  pools: { poolId: Hex; pricePerGB: bigint; available: bigint }[];
  previousLeaves?: RewardLeaf[];
  cheat?: BundleCheat;
  /** The bundle format written (docs/bundle.md): 2, as the aggregator writes, or the legacy 1. */
  format?: 1 | 2;
}): TestBundle {
  const credited = args.credited ?? args.receipts;
  const credits = new Map<string, { account: Address; poolId: Hex; bytes: bigint; receiptIds: Hex[] }>();
  for (const r of credited) {
    const key = `${r.receipt.poolId.toLowerCase()}:${r.receipt.relay.toLowerCase()}`;
    const c = credits.get(key) ?? {
      account: r.receipt.relay.toLowerCase() as Address,
      poolId: r.receipt.poolId.toLowerCase() as Hex,
      bytes: 0n,
      receiptIds: [],
    };
    c.bytes += BigInt(r.receipt.size);
    c.receiptIds.push(getReceiptId(r.receipt, args.domain));
    credits.set(key, c);
  }
  const usedPools = new Set([...credits.values()].map((c) => c.poolId));
  const pools = args.pools
    .filter((p) => usedPools.has(p.poolId.toLowerCase() as Hex))
    .map((p) => ({ poolId: p.poolId.toLowerCase() as Hex, pricePerGB: p.pricePerGB, balance: p.available }));
  const rewards = computeEpochRewards({ pools, credits: [...credits.values()], previous: args.previousLeaves ?? [] });
  let leaves = rewards.leaves;
  let poolLines: PoolLine[] = rewards.poolTotals.map((t) => {
    const p = pools.find((x) => x.poolId === t.poolId)!;
    return {
      poolId: t.poolId,
      pricePerGB: p.pricePerGB,
      available: p.balance,
      epochBytes: t.bytes,
      rawTotal: t.rawAmount,
      total: t.amount,
    };
  });
  if (args.cheat?.leaves) leaves = args.cheat.leaves(leaves.map((l) => ({ ...l })));
  if (args.cheat?.pools) poolLines = args.cheat.pools(poolLines.map((p) => ({ ...p })));
  let root = leaves.length ? buildRewardTree(leaves).root : EMPTY_EPOCH_ROOT;
  if (args.cheat?.root) root = args.cheat.root(root);
  const listed = args.cheat?.listedReceipts ? args.cheat.listedReceipts([...args.receipts]) : args.receipts;
  const tickets = [...new Map(args.tickets.map((t) => [hashViewerTicket(t.ticket), t])).entries()]
    .filter(([h]) => listed.some((r) => r.receipt.ticketHash.toLowerCase() === h))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const receipts = listed
    .map((r) => ({ id: getReceiptId(r.receipt, args.domain), r }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines: string[] = [];
  lines.push(
    JSON.stringify({
      type: "header",
      format: "meshpay-bundle",
      version: 1,
      chainId: Number(args.domain.chainId),
      distributor: args.domain.verifyingContract.toLowerCase(),
      epoch: Number(args.epoch),
      genesisTime: Number(args.epochParams.genesisTime),
      epochSeconds: Number(args.epochParams.epochSeconds),
      graceSeconds: Number(args.epochParams.graceSeconds),
      previousBundleHash: args.previousBundleHash ?? ZERO_HASH,
      snapshotBlock: Number(args.snapshotBlock),
      root,
      poolCount: poolLines.length,
      ticketCount: tickets.length,
      receiptCount: receipts.length,
      leafCount: leaves.length,
    }),
  );
  for (const p of poolLines)
    lines.push(
      JSON.stringify({
        type: "pool",
        poolId: p.poolId,
        pricePerGB: p.pricePerGB.toString(),
        available: p.available.toString(),
        epochBytes: p.epochBytes.toString(),
        rawTotal: p.rawTotal.toString(),
        total: p.total.toString(),
      }),
    );
  for (const [h, t] of tickets)
    lines.push(JSON.stringify({ type: "ticket", ticketHash: h, ...signedViewerTicketToJson(t) }));
  for (const { id, r } of receipts)
    lines.push(JSON.stringify({ type: "receipt", receiptId: id, ...signedChunkReceiptToJson(r) }));
  for (const l of leaves)
    lines.push(
      JSON.stringify({
        type: "leaf",
        account: l.account,
        poolId: l.poolId,
        cumulativeAmount: l.cumulativeAmount.toString(),
        epochBytes: l.epochBytes.toString(),
        epochAmount: l.epochAmount.toString(),
        receiptsRoot: l.receiptsRoot,
      }),
    );
  lines.push(JSON.stringify({ type: "end", receiptCount: receipts.length, leafCount: leaves.length }));
  const v1 = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
  // Format 2: the same bundle through the one parser and the protocol's record writer.
  const bytes = args.format === 1 ? v1 : writeBundleV2(parseBundleBytes(v1)).bytes;
  return {
    bytes,
    hash: `0x${Buffer.from(keccak256(bytes)).toString("hex")}` as Hex,
    root,
    leaves,
    pools: poolLines,
    poolTotals: poolLines.map((p) => ({ poolId: p.poolId, amount: p.total })),
  };
}
