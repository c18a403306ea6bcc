import { MAX_POOL_TOTALS } from "../../protocol/constants.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import type { EpochParams, Hex, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";
import { getUniquenessKey } from "../../protocol/validation/getUniquenessKey.ts";
import { validateReceipt } from "../../protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import type { PoolRegistry } from "../chain/createPoolRegistry.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { AggregatorMetrics } from "../metrics/createMetrics.ts";
import type {
  IdempotentResponse,
  IngestStore,
  IngestWrites,
  ReceiptRow,
  StoredReceiptRef,
} from "../storage/IngestStore.ts";
import { ingestConflict } from "../storage/ingestConflict.ts";
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
   * Validates and stores one POST /v1/receipts batch in one store transaction, from the idempotency check to the
   * commit; its locks keep a concurrent batch (of this process or another on the same database) with the same
   * idempotency key or tickets out until it commits. Resolves to the JSON response text (stored for idempotent
   * replays) once committed. Rejects with AggregatorError for whole-request failures (503 SERVICE_UNAVAILABLE when
   * the storage is, with nothing of the batch stored).
   */
  ingest(input: { idempotencyKey: string; bodyHash: string; body: unknown }): Promise<{
    json: string;
    replayed: boolean;
  }>;
  /** Deletes stored idempotent responses past their TTL. */
  prune(): Promise<number>;
  /**
   * Refuses receipts for `epoch` and every earlier one from now on, whatever the clock says, in every ingest process
   * on the database (IngestStore.closeThrough stores it): the poster calls it before closing an epoch, so a clock
   * stepping back can never slip a receipt into an epoch being closed. Resolves once every batch that could still
   * commit a receipt of those epochs (in any process) has committed or failed, so the close then reads all of them.
   * Rejects with 503 SERVICE_UNAVAILABLE when the storage is; the close must not go on then.
   */
  closeThrough(epoch: number): Promise<void>;
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
  /**
   * Epochs up to this one are closed already (from the database at start-up). Only a head start: every batch also
   * reads the stored value (IngestTx.closedThrough) that closeThrough raises in any process.
   */
  closedThrough?: number;
  /**
   * The most pools one epoch may pay (the distributor's maxPoolTotals(), default MAX_POOL_TOTALS): receipts of a
   * further pool are refused with EPOCH_POOL_LIMIT, so an epoch never needs more pool totals than one post can carry.
   */
  maxPoolsPerEpoch?: number;
};

/** What one batch did, counted for the metrics (recorded once it commits). */
type Counts = { accepted: number; already: number; rejected: number; rejections: string[] };

type TicketState = {
  ticketHash: Hex;
  signed: SignedViewerTicket;
  stored: boolean;
  /** The bytes accepted before this batch (as stored). */
  from: bigint;
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
  "STORAGE_UNAVAILABLE",
]);

/** The receipt ingest pipeline behind POST /v1/receipts (docs/api.md). */
export function createIngestor(options: IngestorOptions): Ingestor {
  const { store, pools, epochParams, limits, metrics } = options;
  const verifier = memoizeTicketChecks(options.verifier);
  const now = options.now ?? Date.now;
  const limiter = createRateLimiter(options.rateLimit);
  let closedThrough = options.closedThrough ?? -1;
  const maxPoolsPerEpoch = options.maxPoolsPerEpoch ?? MAX_POOL_TOTALS;

  const replay = (previous: IdempotentResponse, relay: string, idempotencyKey: string, bodyHash: string) => {
    if (previous.bodyHash !== bodyHash)
      throw new AggregatorError(
        "IDEMPOTENCY_KEY_REUSED",
        `Idempotency-Key "${idempotencyKey}" was already used by relay ${relay} for a different body; use a new ` +
          `key for a new batch.`,
        { status: 409 },
      );
    return { json: previous.response, replayed: true };
  };

  const run = async ({
    idempotencyKey,
    bodyHash,
    body,
  }: {
    idempotencyKey: string;
    bodyHash: string;
    body: unknown;
  }): Promise<{ json: string; replayed: boolean }> => {
    const batch = parseReceiptBatch(body, { maxReceipts: limits.maxReceipts, maxTickets: limits.maxTickets });
    const relay = batch.relay;
    const previous = await guardStorage(() => store.getIdempotent(relay, idempotencyKey));
    if (previous) return replay(previous, relay, idempotencyKey, bodyHash);
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
    // Every receipt decoded once, before the transaction: the decoded receipt, or why it is malformed.
    const decoded: (SignedChunkReceipt | ReceiptError)[] = batch.receipts.map((raw, index) => {
      try {
        return signedChunkReceiptFromJson(raw);
      } catch (cause) {
        if (!(cause instanceof ProtocolError)) throw cause;
        const field =
          cause.field && cause.field !== "(root)" ? `receipts[${index}].${cause.field}` : `receipts[${index}]`;
        return {
          code: "RECEIPT_MALFORMED",
          message: `Receipt is malformed: ${cause.details || cause.shortMessage}`,
          field,
        };
      }
    });
    const ticketHashes = [
      ...new Set(decoded.flatMap((d) => ("receipt" in d ? [d.receipt.ticketHash] : []))),
    ].sort() as Hex[];

    // One transaction from the first check to the stored answer: the answer is sent only after it commits. Its
    // reads lock the idempotency key and the batch's tickets against every other ingest transaction, so its checks
    // (duplicates, bytes under maxBytes) still hold when it writes. All state of an attempt lives inside: a
    // PostgreSQL store may run it again after a deadlock.
    //
    // Stored receipts are looked up first unless the store lets the insert find them (optimisticReceiptInsert). Then
    // the first attempt assumes none of the batch's receipts is stored; it is run again, looking them up, when the
    // insert meets a taken key (write throws INGEST_CONFLICT) or when a receipt it refuses is stored after all (a
    // relay's retry of a stored receipt is answered already_accepted whatever a check would say of it now).
    let lookUpStored = !store.optimisticReceiptInsert;
    const outcome = await guardStorage(() =>
      store.transaction(async (tx): Promise<{ replayOf: IdempotentResponse } | { json: string; counts: Counts }> => {
        // Read inside the transaction, under the store's epoch-close barrier: a closeThrough that raises it after
        // this read waits for this transaction to end, so a receipt of a closed epoch is never committed after the
        // closer's barrier (whichever process closes). The in-memory value only answers sooner.
        const closed = Math.max(closedThrough, await tx.closedThrough());
        if (closed > closedThrough) closedThrough = closed;
        const stored = await tx.lockIdempotent(relay, idempotencyKey);
        if (stored) return { replayOf: stored };
        const storedTickets = await tx.lockTickets(ticketHashes);
        // The stored receipts the batch may repeat (a ticket the database does not hold has no stored receipt).
        const probes = lookUpStored
          ? decoded.flatMap((d) => ("receipt" in d && storedTickets.has(d.receipt.ticketHash) ? [d.receipt] : []))
          : [];
        const found = await tx.findReceipts(
          probes.map((r) => ({ ticketHash: r.ticketHash, segment: r.segment.toString(), chunk: r.chunk })),
        );
        const storedReceipts = new Map<string, StoredReceiptRef>();
        probes.forEach((r, i) => {
          if (found[i] !== undefined) storedReceipts.set(getUniquenessKey(r), found[i]);
        });

        const ticketStates = new Map<string, TicketState | null>();
        const ticketState = (ticketHash: Hex): TicketState | null => {
          let state = ticketStates.get(ticketHash);
          if (state !== undefined) return state;
          const held = storedTickets.get(ticketHash);
          if (held)
            state = {
              ticketHash,
              signed: held.signed,
              stored: true,
              from: held.bytesAccepted,
              bytes: held.bytesAccepted,
              used: false,
            };
          else {
            const signed = given.get(ticketHash);
            state = signed ? { ticketHash, signed, stored: false, from: 0n, bytes: 0n, used: false } : null;
          }
          ticketStates.set(ticketHash, state);
          return state;
        };

        const accepted = new Map<string, { receiptId: Hex; epoch: number }>();
        const rows: ReceiptRow[] = [];
        // The pools each epoch already pays (stored, or accepted in this batch): one post lists at most maxPoolsPerEpoch.
        // Read without a lock first; a pool new to the epoch is checked against the set read again under the epoch's
        // pool lock (held to the commit), so concurrent batches of any processes cannot together pass the limit.
        const epochPools = new Map<number, { set: Set<string>; locked: boolean }>();
        const poolsOf = async (epoch: number): Promise<{ set: Set<string>; locked: boolean }> => {
          let entry = epochPools.get(epoch);
          if (!entry) {
            entry = { set: new Set((await tx.epochPoolIds(epoch)).map((p) => p.toLowerCase())), locked: false };
            epochPools.set(epoch, entry);
          }
          return entry;
        };
        /** Whether the epoch may pay `poolId` (lowercase), and the count it pays (for the refusal's message). */
        const mayPay = async (epoch: number, poolId: string): Promise<{ ok: boolean; paid: number }> => {
          const entry = await poolsOf(epoch);
          if (entry.set.has(poolId)) return { ok: true, paid: entry.set.size };
          if (!entry.locked) {
            for (const p of await tx.lockEpochPools(epoch)) entry.set.add(p.toLowerCase());
            entry.locked = true;
            if (entry.set.has(poolId)) return { ok: true, paid: entry.set.size };
          }
          return { ok: entry.set.size < maxPoolsPerEpoch, paid: entry.set.size };
        };
        const stats = new Map<string, { epoch: number; poolId: Hex; receipts: number; bytes: number }>();
        const results: ReceiptResult[] = new Array(batch.receipts.length);
        const counts: Counts = { accepted: 0, already: 0, rejected: 0, rejections: [] };
        const reject = (index: number, receiptId: Hex | null, errors: ReceiptError[]) => {
          results[index] = { index, receiptId, status: "rejected", errors };
          counts.rejected++;
          for (const e of errors) counts.rejections.push(e.code);
        };
        const already = (index: number, receiptId: Hex, epoch: number) => {
          results[index] = { index, receiptId, status: "already_accepted", epoch };
          counts.already++;
        };

        for (let index = 0; index < decoded.length; index++) {
          const signed = decoded[index]!;
          if (!("receipt" in signed)) {
            reject(index, null, [signed]);
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
            Number(result.epoch) <= closed &&
            !result.errors.some((e) => e.code === "EPOCH_CLOSED")
          )
            extra.push({
              code: "EPOCH_CLOSED",
              message: `Epoch ${result.epoch} is closed: receipts for it are no longer accepted.`,
              field: "receipt.deliveredAt",
            });
          if (result.epoch !== undefined && result.ok && extra.length === 0) {
            const paid = await mayPay(Number(result.epoch), r.poolId.toLowerCase());
            if (!paid.ok)
              extra.push({
                code: "EPOCH_POOL_LIMIT",
                message:
                  `Epoch ${result.epoch} already pays ${paid.paid} pools, the most one post can carry ` +
                  `(maxPoolTotals): receipts of pool ${r.poolId} are refused for this epoch; later epochs take them.`,
                field: "receipt.poolId",
              });
          }
          const previousReceipt = inBatch ?? storedReceipts.get(key);
          if (!result.ok || extra.length > 0) {
            if (ownRetry && previousReceipt !== undefined && previousReceipt.receiptId === receiptId) {
              already(index, receiptId, previousReceipt.epoch);
              continue;
            }
            const errors: ReceiptError[] = [...result.errors.map((e) => e.toJSON()), ...extra];
            if (previousReceipt !== undefined && !errors.some((e) => e.code === "RECEIPT_DUPLICATE"))
              errors.push(duplicate(r.chunk, r.segment));
            reject(index, receiptId, errors);
            continue;
          }
          // The database holds one receipt per uniqueness key: a second one is a duplicate (or a retry).
          if (previousReceipt !== undefined) {
            if (previousReceipt.receiptId === receiptId) already(index, receiptId, previousReceipt.epoch);
            else reject(index, receiptId, [duplicate(r.chunk, r.segment)]);
            continue;
          }
          const epoch = Number(result.epoch);
          rows.push({
            epoch,
            receiptId,
            poolId: r.poolId,
            ticketHash: r.ticketHash,
            relay: r.relay,
            segment: r.segment.toString(),
            chunk: r.chunk,
            chunkHash: r.chunkHash,
            size: r.size,
            deliveredAt: r.deliveredAt,
            signature: signed.signature,
          });
          accepted.set(key, { receiptId, epoch });
          (await poolsOf(epoch)).set.add(r.poolId.toLowerCase());
          ticket.bytes += BigInt(r.size);
          ticket.used = true;
          const statKey = `${epoch}:${r.poolId}`;
          const stat = stats.get(statKey);
          if (stat) {
            stat.receipts++;
            stat.bytes += r.size;
          } else stats.set(statKey, { epoch, poolId: r.poolId, receipts: 1, bytes: r.size });
          results[index] = { index, receiptId, status: "accepted", epoch };
          counts.accepted++;
        }
        const writeBatch = async (writes: IngestWrites) => {
          try {
            await tx.write(writes);
          } catch (error) {
            // A taken key (or ticket bytes moved): the store runs the batch again, this time looking stored receipts up.
            if ((error as { code?: unknown })?.code === "INGEST_CONFLICT") lookUpStored = true;
            throw error;
          }
        };
        if (!lookUpStored) {
          // Refused on the assumption that nothing is stored: if one of them is, the answer may be wrong (a retry).
          const refused = decoded.flatMap((d, i) =>
            "receipt" in d && results[i]!.status === "rejected" && storedTickets.has(d.receipt.ticketHash)
              ? [{ ticketHash: d.receipt.ticketHash, segment: d.receipt.segment.toString(), chunk: d.receipt.chunk }]
              : [],
          );
          if (refused.length > 0 && (await tx.findReceipts(refused)).some((f) => f !== undefined)) {
            lookUpStored = true;
            throw ingestConflict(
              "a refused receipt of the batch is stored; it is checked again against stored receipts",
            );
          }
        }
        const used = [...ticketStates.values()].filter((t): t is TicketState => t?.used === true);
        const response: IngestResponse = {
          idempotencyKey,
          accepted: counts.accepted,
          alreadyAccepted: counts.already,
          rejected: counts.rejected,
          results,
        };
        const json = JSON.stringify(response);
        await writeBatch({
          nowMs,
          receipts: rows,
          ticketBytes: used
            .filter((t) => t.stored)
            .map((t) => ({ ticketHash: t.ticketHash, from: t.from, to: t.bytes })),
          newTickets: used
            .filter((t) => !t.stored)
            .map((t) => ({
              ticketHash: t.ticketHash,
              signed: t.signed,
              signer: verifier.ticketSigner(t.signed.ticket, t.signed.signature),
              bytesAccepted: t.bytes,
            })),
          stats: [...stats.values()],
          idempotent: { relay, key: idempotencyKey, bodyHash, response: json },
        });
        return { json, counts };
      }),
    );
    if ("replayOf" in outcome) return replay(outcome.replayOf, relay, idempotencyKey, bodyHash);
    const { counts } = outcome;
    for (const code of counts.rejections) metrics.rejections.inc({ code });
    metrics.receipts.inc({ result: "accepted" }, counts.accepted);
    metrics.receipts.inc({ result: "already_accepted" }, counts.already);
    metrics.receipts.inc({ result: "rejected" }, counts.rejected);
    metrics.ingestBatchSize.observe(batch.receipts.length);
    metrics.ingestBatchDuration.observe((performance.now() - started) / 1000);
    return { json: outcome.json, replayed: false };
  };

  return {
    ingest: run,
    prune: () => guardStorage(() => store.pruneIdempotency(now() - limits.idempotencyTtlSeconds * 1000)),
    async closeThrough(epoch) {
      if (epoch > closedThrough) closedThrough = epoch;
      await guardStorage(() => store.closeThrough(epoch));
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

/** Maps storage outages (busy, full, I/O, the database unreachable) to 503 SERVICE_UNAVAILABLE; anything else propagates (500). */
async function guardStorage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
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
