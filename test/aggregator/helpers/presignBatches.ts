// Pre-signed receipt batches for load tests and benchmarks: every signature is made here, once, so sending them
// (sendLoad.ts) costs the load generator almost nothing. No tests here.
import type { Hex, MeshpayDomain } from "../../../src/protocol/types.ts";
import { createSigner, viewerSession } from "./receipts.ts";

/** One POST /v1/receipts request, serialized: its Idempotency-Key, body and the ids of the receipts in it. */
export type PresignedBatch = { key: string; relay: Hex; body: Buffer; receiptIds: Hex[] };

export type PresignOptions = {
  domain: MeshpayDomain;
  poolId: Hex;
  /** The pool's ticket signer (signs the viewers' tickets). */
  ticketSignerKey: Hex;
  /** Relays the batches come from, in turn. */
  relays: readonly Hex[];
  /** Makes keys, tickets and chunk positions unique to this load (and the same for the same label). */
  label: string;
  /** Batches to make (when iterated lazily: at most this many). */
  batches: number;
  receiptsPerBatch: number;
  /** Viewer sessions the batches share (long sessions span many batches): later batches reuse stored tickets. */
  sessions?: number;
  /** Viewers whose receipts one batch carries (its tickets). */
  viewersPerBatch?: number;
  /** deliveredAt of batch `b`'s receipts (ms); default the time of the call. */
  deliveredAt?: (batch: number) => bigint;
  /** Bytes of each receipt's chunk. */
  chunkBytes?: number;
};

/**
 * Yields `batches` signed batches, each signed when it is reached: spread it into an array to sign everything up
 * front (benchmarks), or iterate it while sending to sign just in time (a long fault test whose receipts must be
 * delivered in the epoch open when they are sent). Batch b comes from relays[b % relays.length] and carries
 * `receiptsPerBatch` receipts from `viewersPerBatch` of the `sessions` viewer sessions, one chunk position each
 * (segment b·receiptsPerBatch + i), so no two receipts of one load share a uniqueness key.
 */
export function* presignBatches(options: PresignOptions): Generator<PresignedBatch> {
  const signer = createSigner(options.domain);
  const now = BigInt(Date.now());
  const sessionCount = options.sessions ?? 200;
  const perBatch = options.viewersPerBatch ?? Math.min(50, sessionCount);
  const deliveredAt = options.deliveredAt ?? (() => now);
  const sessions = Array.from({ length: sessionCount }, (_, v) =>
    viewerSession(signer, {
      poolId: options.poolId,
      ticketSignerKey: options.ticketSignerKey,
      viewerLabel: `${options.label}-viewer-${v}`,
      notBefore: now - 3_600_000n,
      notAfter: now + 30n * 86_400_000n,
      maxBytes: 10n ** 15n,
    }),
  );
  for (let b = 0; b < options.batches; b++) {
    const relay = options.relays[b % options.relays.length]!;
    const viewers = Array.from({ length: perBatch }, (_, i) => sessions[(b * perBatch + i) % sessionCount]!);
    const at = deliveredAt(b);
    const receipts = Array.from({ length: options.receiptsPerBatch }, (_, i) =>
      viewers[i % perBatch]!.receipt({
        relay,
        segment: BigInt(b * options.receiptsPerBatch + i),
        chunk: 0,
        size: options.chunkBytes ?? 65_536,
        deliveredAt: at,
      }),
    );
    yield {
      key: `${options.label}-${b}`,
      relay,
      body: Buffer.from(
        JSON.stringify({
          relay,
          tickets: viewers.map((s) => s.signedTicket),
          receipts: receipts.map((r) => r.json),
        }),
      ),
      receiptIds: receipts.map((r) => r.receiptId),
    };
  }
}
