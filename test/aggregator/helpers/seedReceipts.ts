// Fills a real SQLite file with receipts through the real ingest pipeline (no HTTP, no chain), for the epoch-close
// tests. No tests here.

import { createPoolRegistry, type PoolRecord } from "../../../src/aggregator/chain/createPoolRegistry.ts";
import { createIngestor } from "../../../src/aggregator/ingest/createIngestor.ts";
import { createMetrics } from "../../../src/aggregator/metrics/createMetrics.ts";
import { createIngestStore } from "../../../src/aggregator/storage/createIngestStore.ts";
import { openDatabase } from "../../../src/aggregator/storage/openDatabase.ts";
import { createNodeReceiptVerifier } from "../../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./receipts.ts";

export const DISTRIBUTOR: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const CHAIN_ID = 31337;
export const GENESIS = 1_767_225_600;
export const EPOCH_SECONDS = 3600;
export const GRACE = 300;

export function pool(
  poolId: Hex,
  ticketSigner: Address,
  pricePerGB: bigint,
  extraSigners: { since: number; signer: Address }[] = [],
): PoolRecord {
  return {
    poolId,
    token: `0x${"70".repeat(20)}`,
    owner: `0x${"0a".repeat(20)}`,
    metadataUri: "",
    unallocated: 0n,
    owed: 0n,
    createdBlock: 1,
    createdAt: GENESIS - 100,
    updatedBlock: 1,
    signers: [{ since: GENESIS - 100, signer: ticketSigner }, ...extraSigners],
    prices: [{ fromEpoch: 0, pricePerGB }],
  };
}

/** An ingest pipeline over the SQLite file at `dbPath` whose clock is `nowMs`. */
export async function createSeeder(dbPath: string, pools: PoolRecord[], nowMs: () => number) {
  const database = openDatabase(dbPath, { synchronous: "NORMAL" });
  const verifier = await createNodeReceiptVerifier({ domain: { chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR } });
  const ingestor = createIngestor({
    store: createIngestStore(database.sqlite),
    pools: createPoolRegistry(pools),
    verifier,
    epochParams: { genesisTime: BigInt(GENESIS), epochSeconds: BigInt(EPOCH_SECONDS), graceSeconds: BigInt(GRACE) },
    limits: { maxReceipts: 5000, maxTickets: 1000, maxFutureSkewMs: 86_400_000, idempotencyTtlSeconds: 3600 },
    rateLimit: { requestsPerSecond: 1e9, requestBurst: 1e9, receiptsPerSecond: 1e9, receiptBurst: 1e9 },
    metrics: createMetrics(),
    now: nowMs,
  });
  const signer = createSigner({ chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR });
  let key = 0;
  return {
    database,
    signer,
    session(args: { poolId: Hex; ticketSigner: string; viewer: string; maxBytes?: bigint }) {
      return viewerSession(signer, {
        poolId: args.poolId,
        ticketSignerKey: keyFor(args.ticketSigner),
        viewerLabel: args.viewer,
        notBefore: BigInt(GENESIS) * 1000n,
        notAfter: BigInt(GENESIS + 10 * EPOCH_SECONDS) * 1000n,
        maxBytes: args.maxBytes ?? 10n ** 15n,
      });
    },
    /** Submits one batch; returns the parsed response. */
    async submit(relay: Hex, tickets: unknown[], receipts: unknown[]) {
      const { json } = await ingestor.ingest({
        idempotencyKey: `seed-${key++}`,
        bodyHash: `h${key}`,
        body: { relay, tickets, receipts },
      });
      return JSON.parse(json) as {
        accepted: number;
        rejected: number;
        results: { status: string; errors?: { code: string }[]; receiptId: Hex }[];
      };
    },
    close: () => database.close(),
  };
}

export { addressOf, keyFor };
