import { MAX_POOL_TOTALS } from "../../protocol/constants.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import type { EpochParams, Hex, SignedViewerTicket } from "../../protocol/types.ts";
import { getUniquenessKey } from "../../protocol/validation/getUniquenessKey.ts";
import { validateReceipt } from "../../protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import type { PoolRegistry } from "../chain/createPoolRegistry.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { AggregatorMetrics } from "../metrics/createMetrics.ts";
import type { IngestStore, ReceiptRow } from "../storage/createIngestStore.ts";
import type { ManifestIndex } from "./createManifestIndex.ts";
import { createRateLimiter, type RateLimitSettings } from "./createRateLimiter.ts";
import { memoizeTicketChecks } from "./memoizeTicketChecks.ts";
import { parseReceiptBatch } from "./parseReceiptBatch.ts";

export type ReceiptError = { code: string; message: string; field?: string };
export type ReceiptResult =
  | { index: number; receiptId: Hex; status: "accepted" | "already_accepted"; epoch: number }
  | { index: number; receiptId: Hex | null; status: "rejected"; errors: ReceiptError[] };

export type IngestResponse = {
  idempotencyKey: string;
  accepted: number;
  alreadyAccepted: number;
  rejected: number;
  results: ReceiptResult[];
};

export type Ingestor = {
  /**
   * Validates and stores one POST /v1/receipts batch. Synchronous from the idempotency check to the commit, so no
   * other batch interleaves and an epoch cannot close between a receipt's check and its commit. Returns the JSON
   * response text (stored for idempotent replays). Throws AggregatorError for whole-request failures.
   */
  ingest(input: { idempotencyKey: string; bodyHash: string; body: unknown }): { json: string; replayed: boolean };
  /** Deletes stored idempotent responses past their TTL. */
  prune(): number;
  /**
   * Refuses receipts for `epoch` and every earlier one from now on, whatever the clock says: the poster calls it
   * before closing an epoch, so a clock stepping back can never slip a receipt into an epoch being closed.
   */
  closeThrough(epoch: number): void;
};

export type IngestorOptions = {
  store: IngestStore;
  pools: PoolRegistry;
  verifier: ReceiptVerifier;
  epochParams: EpochParams;
  limits: { maxReceipts: number; maxTickets: number; maxFutureSkewMs: number; idempotencyTtlSeconds: number };
  rateLimit: RateLimitSettings;
  metrics: AggregatorMetrics;
  now?: () => number;
  /** Content binding: receipts of a bound pool must match the broadcaster's segment manifest. */
  contentBinding?: Pick<ManifestIndex, "check">;
  /** Epochs up to this one are closed already (from the database at start-up). */
  closedThrough?: number;
  /**
   * The most pools one epoch may pay (the distributor's maxPoolTotals(), default MAX_POOL_TOTALS): receipts of a
   * further pool are refused with EPOCH_POOL_LIMIT, so an epoch never needs more pool totals than one post can carry.
   */
  maxPoolsPerEpoch?: number;
};

type TicketState = {
  ticketHash: Hex;
  signed: SignedViewerTicket;
  stored: boolean;
  bytes: bigint;
  used: boolean;
};

const STORAGE_UNAVAILABLE = new Set([
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_FULL",
  "SQLITE_IOERR",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
]);

/** The receipt ingest pipeline behind POST /v1/receipts (docs/api.md). */
export function createIngestor(options: IngestorOptions): Ingestor {
  const { store, pools, epochParams, limits, metrics } = options;
  const verifier = memoizeTicketChecks(options.verifier);
  const now = options.now ?? Date.now;
  const limiter = createRateLimiter(options.rateLimit);
  let closedThrough = options.closedThrough ?? -1;
  const maxPoolsPerEpoch = options.maxPoolsPerEpoch ?? MAX_POOL_TOTALS;

  const ingest: Ingestor["ingest"] = ({ idempotencyKey, bodyHash, body }) => {
    const batch = parseReceiptBatch(body, { maxReceipts: limits.maxReceipts, maxTickets: limits.maxTickets });
    const relay = batch.relay;
    const previous = guardStorage(() => store.getIdempotent(relay, idempotencyKey));
    if (previous) {
      if (previous.bodyHash !== bodyHash)
        throw new AggregatorError(
          "IDEMPOTENCY_KEY_REUSED",
          `Idempotency-Key "${idempotencyKey}" was already used by relay ${relay} for a different body; use a new ` +
            `key for a new batch.`,
          { status: 409 },
        );
      return { json: previous.response, replayed: true };
    }
    const wait = limiter.take(relay, batch.receipts.length);
    if (wait > 0)
      throw new AggregatorError(
        "RATE_LIMITED",
        `Too many receipts or requests from relay ${relay}; retry after ${wait} s.`,
        { status: 429, data: { retryAfterSeconds: wait } },
      );

    const started = performance.now();
    const nowMs = now();
    const nowBig = BigInt(nowMs);
    const latestDelivery = nowBig + BigInt(limits.maxFutureSkewMs);

    // Tickets given in the batch, by hash; the stored copy wins when the aggregator already holds one.
    const given = new Map<string, SignedViewerTicket>();
    for (const t of batch.tickets) {
      const hash = toHex(verifier.ticketHash(t.ticket));
      if (!given.has(hash)) given.set(hash, t);
    }
    const ticketStates = new Map<string, TicketState | null>();
    const ticketState = (ticketHash: Hex): TicketState | null => {
      let state = ticketStates.get(ticketHash);
      if (state !== undefined) return state;
      const stored = store.getTicket(ticketHash);
      if (stored) state = { ticketHash, signed: stored.signed, stored: true, bytes: stored.bytesAccepted, used: false };
      else {
        const signed = given.get(ticketHash);
        state = signed ? { ticketHash, signed, stored: false, bytes: 0n, used: false } : null;
      }
      ticketStates.set(ticketHash, state);
      return state;
    };

    const accepted = new Map<string, { receiptId: Hex; epoch: number }>();
    // The pools each epoch already pays (stored, or accepted in this batch): one post lists at most maxPoolsPerEpoch.
    const epochPools = new Map<number, Set<string>>();
    const poolsOf = (epoch: number): Set<string> => {
      let set = epochPools.get(epoch);
      if (!set) {
        set = new Set(store.epochPoolIds(epoch).map((p) => p.toLowerCase()));
        epochPools.set(epoch, set);
      }
      return set;
    };
    const stats = new Map<string, { epoch: number; poolId: Hex; count: number; bytes: number }>();
    const results: ReceiptResult[] = new Array(batch.receipts.length);
    let nAccepted = 0;
    let nAlready = 0;
    let nRejected = 0;
    const reject = (index: number, receiptId: Hex | null, errors: ReceiptError[]) => {
      results[index] = { index, receiptId, status: "rejected", errors };
      nRejected++;
      for (const e of errors) metrics.rejections.inc({ code: e.code });
    };
    const already = (index: number, receiptId: Hex, epoch: number) => {
      results[index] = { index, receiptId, status: "already_accepted", epoch };
      nAlready++;
    };

    // One transaction from the first check to the stored answer: the answer is sent only after it commits.
    const json = guardStorage(() =>
      store.transaction(() => {
        for (let index = 0; index < batch.receipts.length; index++) {
          let signed;
          try {
            signed = signedChunkReceiptFromJson(batch.receipts[index]);
          } catch (cause) {
            if (!(cause instanceof ProtocolError)) throw cause;
            const field =
              cause.field && cause.field !== "(root)" ? `receipts[${index}].${cause.field}` : `receipts[${index}]`;
            reject(index, null, [
              {
                code: "RECEIPT_MALFORMED",
                message: `Receipt is malformed: ${cause.details || cause.shortMessage}`,
                field,
              },
            ]);
            continue;
          }
          const r = signed.receipt;
          const extra: ReceiptError[] = [];
          if (r.relay !== relay)
            extra.push({
              code: "RECEIPT_RELAY_MISMATCH",
              message: `receipt.relay ${r.relay} is not the batch's relay ${relay}.`,
              field: "receipt.relay",
            });
          if (r.deliveredAt > latestDelivery)
            extra.push({
              code: "RECEIPT_IN_FUTURE",
              message:
                `deliveredAt ${r.deliveredAt} is more than ${limits.maxFutureSkewMs} ms ahead of the ` +
                `aggregator's clock (${nowMs}).`,
              field: "receipt.deliveredAt",
            });
          const unbound = options.contentBinding?.check(r);
          if (unbound) extra.push(unbound);
          const ticket = ticketState(r.ticketHash);
          if (!ticket) {
            const receiptId = toHex(verifier.receiptDigest(r));
            reject(index, receiptId, [
              {
                code: "TICKET_UNKNOWN",
                message: `No ticket ${r.ticketHash} in this batch or held by the aggregator.`,
                field: "receipt.ticketHash",
              },
              ...extra,
            ]);
            continue;
          }
          const key = getUniquenessKey(r);
          const inBatch = accepted.get(key);
          const result = validateReceipt({
            receipt: signed,
            ticket: ticket.signed,
            pool: pools.validationPool(r.poolId, r.deliveredAt),
            epochParams,
            nowMs: nowBig,
            context: { seen: { has: () => inBatch !== undefined }, bytesAccepted: ticket.bytes },
            verifier,
          });
          const receiptId = result.receiptId ?? toHex(verifier.receiptDigest(r));
          // The same receipt again is a harmless retry only from the relay it credits; from another relay's batch it
          // is a replay, refused with RECEIPT_RELAY_MISMATCH (and RECEIPT_DUPLICATE) below.
          const ownRetry = r.relay === relay;
          if (ownRetry && inBatch !== undefined && inBatch.receiptId === receiptId) {
            already(index, receiptId, inBatch.epoch);
            continue;
          }
          if (
            result.epoch !== undefined &&
            Number(result.epoch) <= closedThrough &&
            !result.errors.some((e) => e.code === "EPOCH_CLOSED")
          )
            extra.push({
              code: "EPOCH_CLOSED",
              message: `Epoch ${result.epoch} is closed: receipts for it are no longer accepted.`,
              field: "receipt.deliveredAt",
            });
          if (result.epoch !== undefined && result.ok && extra.length === 0) {
            const paid = poolsOf(Number(result.epoch));
            if (!paid.has(r.poolId.toLowerCase()) && paid.size >= maxPoolsPerEpoch)
              extra.push({
                code: "EPOCH_POOL_LIMIT",
                message:
                  `Epoch ${result.epoch} already pays ${paid.size} pools, the most one post can carry ` +
                  `(maxPoolTotals): receipts of pool ${r.poolId} are refused for this epoch; later epochs take them.`,
                field: "receipt.poolId",
              });
          }
          const segment = r.segment.toString();
          if (!result.ok || extra.length > 0) {
            // A ticket the database does not hold has no stored receipt (receipts are stored with their ticket).
            const stored =
              inBatch ?? (ticket.stored ? store.findByUniqueness(r.ticketHash, segment, r.chunk) : undefined);
            if (ownRetry && stored !== undefined && stored.receiptId === receiptId) {
              already(index, receiptId, stored.epoch);
              continue;
            }
            const errors: ReceiptError[] = [...result.errors.map((e) => e.toJSON()), ...extra];
            if (stored !== undefined && !errors.some((e) => e.code === "RECEIPT_DUPLICATE"))
              errors.push(duplicate(r.chunk, r.segment));
            reject(index, receiptId, errors);
            continue;
          }
          const epoch = Number(result.epoch);
          const row: ReceiptRow = {
            epoch,
            receiptId,
            poolId: r.poolId,
            ticketHash: r.ticketHash,
            relay: r.relay,
            segment,
            chunk: r.chunk,
            chunkHash: r.chunkHash,
            size: r.size,
            deliveredAt: r.deliveredAt,
            signature: signed.signature,
          };
          // The insert is the duplicate check: the database refuses a second receipt with the uniqueness key.
          if (!store.insertReceipt(row, nowMs)) {
            const stored = store.findByUniqueness(r.ticketHash, segment, r.chunk)!;
            if (stored.receiptId === receiptId) already(index, receiptId, stored.epoch);
            else reject(index, receiptId, [duplicate(r.chunk, r.segment)]);
            continue;
          }
          accepted.set(key, { receiptId, epoch });
          poolsOf(epoch).add(r.poolId.toLowerCase());
          ticket.bytes += BigInt(r.size);
          ticket.used = true;
          const statKey = `${epoch}:${r.poolId}`;
          const stat = stats.get(statKey);
          if (stat) {
            stat.count++;
            stat.bytes += r.size;
          } else stats.set(statKey, { epoch, poolId: r.poolId, count: 1, bytes: r.size });
          results[index] = { index, receiptId, status: "accepted", epoch };
          nAccepted++;
        }
        for (const t of ticketStates.values()) {
          if (!t?.used) continue;
          if (t.stored) store.updateTicketBytes(t.ticketHash, t.bytes);
          else
            store.insertTicket(
              t.ticketHash,
              t.signed,
              verifier.ticketSigner(t.signed.ticket, t.signed.signature),
              t.bytes,
              nowMs,
            );
        }
        for (const s of stats.values()) store.addEpochStats(s.epoch, s.poolId, s.count, s.bytes);
        const response: IngestResponse = {
          idempotencyKey,
          accepted: nAccepted,
          alreadyAccepted: nAlready,
          rejected: nRejected,
          results,
        };
        const text = JSON.stringify(response);
        store.insertIdempotent(relay, idempotencyKey, bodyHash, text, nowMs);
        return text;
      }),
    );
    metrics.receipts.inc({ result: "accepted" }, nAccepted);
    metrics.receipts.inc({ result: "already_accepted" }, nAlready);
    metrics.receipts.inc({ result: "rejected" }, nRejected);
    metrics.ingestBatchSize.observe(batch.receipts.length);
    metrics.ingestBatchDuration.observe((performance.now() - started) / 1000);
    return { json, replayed: false };
  };

  return {
    ingest,
    prune: () => guardStorage(() => store.pruneIdempotency(now() - limits.idempotencyTtlSeconds * 1000)),
    closeThrough(epoch) {
      if (epoch > closedThrough) closedThrough = epoch;
    },
  };
}

function duplicate(chunk: number, segment: bigint): ReceiptError {
  return {
    code: "RECEIPT_DUPLICATE",
    message: `Chunk ${chunk} of segment ${segment} was already receipted under this ticket.`,
    field: "receipt.chunk",
  };
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}`;
}

/** Maps storage outages (busy, full, I/O) to 503 SERVICE_UNAVAILABLE; anything else propagates (500). */
function guardStorage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    const code = (cause as { code?: unknown })?.code;
    if (typeof code === "string" && [...STORAGE_UNAVAILABLE].some((c) => code.startsWith(c)))
      throw new AggregatorError("SERVICE_UNAVAILABLE", "Storage is unavailable right now; retry with backoff.", {
        status: 503,
        cause,
        data: { reason: code },
      });
    throw cause;
  }
}
