import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { getReceiptId } from "../protocol/eip712/getReceiptId.ts";
import { getEpoch } from "../protocol/epoch/getEpoch.ts";
import { getEpochClosesAt } from "../protocol/epoch/getEpochClosesAt.ts";
import { getEpochEnd } from "../protocol/epoch/getEpochEnd.ts";
import { createFastKeccak256 } from "../protocol/hash/createFastKeccak256.ts";
import { signDigest } from "../protocol/signature/signDigest.ts";
import type { Address, ChunkReceipt, Hex, SignedChunkReceipt, SignedViewerTicket } from "../protocol/types.ts";
import { bytesToHex, isHexOfLength } from "../protocol/utils/bytes.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";
import { signedChunkReceiptToJson } from "../protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../protocol/wire/signedViewerTicketToJson.ts";
import { createReceiver, type Receiver } from "../relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey } from "../relay-sdk/receiver/createViewerSessionKey.ts";
import { createRelay } from "../relay-sdk/relay/createRelay.ts";
import type { Relay } from "../relay-sdk/relay/types.ts";
import { type BatchPoster, createBatchPoster } from "./createBatchPoster.ts";
import { type CheatClient, createCheatClient } from "./createCheatClient.ts";
import { createNativeReceiptSigner } from "./createNativeReceiptSigner.ts";
import { createRandom, type Random } from "./createRandom.ts";
import { createTicketIssuer } from "./createTicketIssuer.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import { fillChunkBytes } from "./fillChunkBytes.ts";
import { getStreamLayout } from "./getStreamLayout.ts";
import { type RelayStoreSummary, readRelayStoreSummary } from "./readRelayStoreSummary.ts";
import {
  type CheatMode,
  type CodeCounts,
  cheatModes,
  type EpochTally,
  type ForgedStats,
  type RelaySummary,
  type RunOptions,
  type Simulation,
  type SimulationClock,
  type SimulationOptions,
  type SimulationProgress,
  type SimulationRelay,
  type SimulationSummary,
  type SimulationViewer,
  type Tally,
  type ViewerSummary,
} from "./types.ts";

type SessionKey = { privateKey: Hex; address: Address };

type Session = {
  key: SessionKey;
  ticket: SignedViewerTicket;
  ticketJson: SignedViewerTicketJson;
  ticketHash: Hex;
  notAfter: number;
  maxBytes: number;
  /** Bytes of receipts signed under this ticket (never above maxBytes). */
  bytes: number;
  receiver: Receiver | null;
};

type Seat = {
  index: number;
  session: Session | null;
  rejoinAt: number;
  attached: RelayState[];
  sessions: number;
  chunks: number;
  bytes: number;
  lost: number;
  late: number;
  unserved: number;
};

type RelayState = {
  index: number;
  address: Address;
  privateKey: Hex | undefined;
  dbPath: string;
  cheater: boolean;
  online: boolean;
  /** The relay node is running (its SDK instance open, or its direct poster accepting receipts). */
  open: boolean;
  sdk: Relay | null;
  /** transport "direct": the poster and what the aggregator answered (kept in memory). */
  direct: BatchPoster<number> | null;
  ledger: RelayStoreSummary;
  ticketJsons: Map<string, SignedViewerTicketJson>;
  /** Tickets already handed to this relay's store. */
  knownTickets: Set<string>;
  addedSinceFlush: number;
  flushing: Promise<void> | null;
  offlineUntil: number;
  joins: number;
  leaves: number;
  sent: { chunks: number; bytes: number };
  delivered: { chunks: number; bytes: number };
  lost: { chunks: number; bytes: number };
  late: Tally;
  expected: Tally & { byEpoch: Map<number, Tally> };
  cheat: CheatClient | null;
  lastError: unknown;
};

type Collected = { receipts: SignedChunkReceiptJson[]; tickets: Map<string, SignedViewerTicketJson> };
type LateReceipt = {
  relay: RelayState;
  receipt: SignedChunkReceiptJson;
  ticket: SignedViewerTicketJson;
  ticketHash: string;
  releaseAt: number;
};

const defaultClock: SimulationClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/**
 * A live-stream swarm against a real aggregator. A broadcaster's ticket desk issues one ViewerTicket per viewing
 * session; viewer seats join and leave; each viewer gets every chunk of the stream from one of the relays it is
 * attached to; relays join and leave (gracefully: they flush and close their SQLite file, and come back with it).
 * Each received chunk is real bytes, hashed and signed as a ChunkReceipt by the viewer's receiver, and collected
 * by the delivering relay's own relay SDK instance, which submits it to the aggregator over HTTP. Faults: lost
 * deliveries (no receipt), late receipts (handed over after their epoch closed: refused with EPOCH_CLOSED), and
 * cheating relays that claim chunks they never delivered (refused). Every random choice comes from `seed`.
 *
 * While it runs it computes, from the deliveries alone, what the aggregator should credit each relay in each
 * epoch; `summary()` sets that beside what the relays' stores recorded as the aggregator's answers.
 */
export async function createSimulation(options: SimulationOptions): Promise<Simulation> {
  const o = resolveOptions(options);
  const clock = options.clock ?? defaultClock;
  const keccak = await createFastKeccak256();
  const random = createRandom(o.seed);
  const events = random.fork("events");
  const keys = random.fork("keys");
  const cheatRandom = random.fork("cheat");
  const streamId =
    (options.streamId?.toLowerCase() as Hex | undefined) ?? bytesToHex(keccak(random.fork("stream").bytes(32)));
  const contentSeed = (random.fork("content").int(2 ** 32) >>> 0) | 1;
  const layout = getStreamLayout({
    bitrateKbps: o.bitrateKbps,
    chunkBytes: o.chunkBytes,
    segmentSeconds: o.segmentSeconds,
  });
  const issuer = createTicketIssuer({
    domain: options.domain,
    poolId: options.poolId,
    streamId,
    ticketSignerKey: options.ticketSignerKey,
    keccak,
  });
  const nativeSigner = o.signer === "native" ? createNativeReceiptSigner({ domain: options.domain, keccak }) : null;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), "meshpay-sim-"));
  mkdirSync(workDir, { recursive: true });
  const epochParams = options.epochParams;
  const genesisMs = Number(epochParams.genesisTime) * 1000;
  const fast = o.mode === "fast";
  // Idempotency keys of the direct and cheating posters: unique per simulation, so that a rerun with the same seed
  // against the same aggregator never reuses a key.
  const runId = randomBytes(6).toString("hex");

  const newKey = (rng: Random): SessionKey => {
    const k = createViewerSessionKey({ randomBytes: (n) => rng.bytes(n) });
    return { privateKey: k.privateKey, address: k.address };
  };

  // ---- relays -----------------------------------------------------------------------------------------
  const relayStates: RelayState[] = [];
  for (let i = 0; i < o.relays; i++) {
    const given = options.relayAccounts?.[i];
    const derived = given === undefined ? newKey(keys.fork(`relay-${i}`)) : undefined;
    const address = (typeof given === "string" ? given : (given?.address ?? derived!.address)).toLowerCase() as Address;
    if (!isHexOfLength(address, 20))
      throw new SimulatorError("INVALID_OPTION", `relayAccounts[${i}] is not an address.`);
    const privateKey = typeof given === "object" ? given.privateKey : derived?.privateKey;
    const cheater = i >= o.relays - o.cheat.relays;
    relayStates.push({
      index: i,
      address,
      privateKey,
      dbPath: join(workDir, `relay-${String(i).padStart(3, "0")}-${address.slice(2, 10)}.sqlite`),
      cheater,
      online: false,
      open: false,
      sdk: null,
      direct: null,
      ledger: emptyLedger(),
      ticketJsons: new Map(),
      knownTickets: new Set(),
      addedSinceFlush: 0,
      flushing: null,
      offlineUntil: 0,
      joins: 0,
      leaves: 0,
      sent: { chunks: 0, bytes: 0 },
      delivered: { chunks: 0, bytes: 0 },
      lost: { chunks: 0, bytes: 0 },
      late: { receipts: 0, bytes: 0 },
      expected: { receipts: 0, bytes: 0, byEpoch: new Map() },
      cheat: cheater
        ? createCheatClient({
            aggregatorUrl: options.aggregatorUrl,
            relay: address,
            keyPrefix: `sim-cheat-${runId}-${i}`,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(o.relayOptions.maxBatchReceipts ? { maxBatchReceipts: o.relayOptions.maxBatchReceipts } : {}),
          })
        : null,
      lastError: null,
    });
  }
  if (o.transport === "direct")
    for (const r of relayStates) {
      const l = r.ledger;
      r.direct = createBatchPoster<number>({
        aggregatorUrl: options.aggregatorUrl,
        relay: r.address,
        keyPrefix: `sim-${runId}-${r.index}`,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        maxBatchReceipts: o.flushEvery,
        onResult(item, result) {
          l.byStatus.pending--;
          if (result.status === "rejected") {
            l.byStatus.rejected++;
            for (const code of new Set(result.codes)) l.rejectedByCode[code] = (l.rejectedByCode[code] ?? 0) + 1;
          } else if (result.status === "unanswered") {
            l.byStatus.failed++;
            l.failedByCode[result.code] = (l.failedByCode[result.code] ?? 0) + 1;
          } else {
            l.byStatus.accepted++;
            if (result.status === "already_accepted") l.alreadyAccepted++;
            l.acceptedBytes += item.tag;
            const e = (l.acceptedByEpoch[String(result.epoch)] ??= { receipts: 0, bytes: 0 });
            e.receipts++;
            e.bytes += item.tag;
          }
        },
      });
    }
  if (new Set(relayStates.map((r) => r.address)).size !== relayStates.length)
    throw new SimulatorError("INVALID_OPTION", "relayAccounts has the same address twice.");
  const cheaters = relayStates.filter((r) => r.cheater);
  const cheatKey = newKey(keys.fork("cheat-signer"));
  const fakeTicketSigner = newKey(keys.fork("cheat-ticket-signer"));
  const fakeTickets = new Map<
    string,
    { key: SessionKey; signed: SignedViewerTicket; json: SignedViewerTicketJson; ticketHash: Hex }
  >();

  const seats: Seat[] = Array.from({ length: o.viewers }, (_, index) => ({
    index,
    session: null,
    rejoinAt: 0,
    attached: [],
    sessions: 0,
    chunks: 0,
    bytes: 0,
    lost: 0,
    late: 0,
    unserved: 0,
  }));

  // ---- state ------------------------------------------------------------------------------------------
  // Realtime without an explicit startAt: re-read at the first run(), once the relays are open.
  let startAt = Math.max(o.startAt ?? clock.now(), genesisMs);
  let firstRun = true;
  let position = startAt;
  let virtualNow = startAt;
  /** The current chunk slot's time: every receipt of the slot has it as deliveredAt (also in realtime mode, so epochs are deterministic). */
  let deliveryTime = startAt;
  let slot = layout.slotAtOrAfter(startAt);
  let lastSlotAt: number | null = null;
  let currentEpoch: number | null = null;
  let lateQueue: LateReceipt[] = [];
  let running = false;
  let closed = false;
  let stopController = new AbortController();
  let wallMs = 0;
  /** Realtime mode: how far behind schedule the current chunk slot started, and the worst so far. */
  let lagMs = 0;
  let maxLagMs = 0;
  /** End of the last run's deliveries (before draining). */
  let streamEnd = startAt;
  let runStartedAt: number | null = null;
  let nextProgressAt = startAt;
  let nextCheatFlushAt = startAt;
  const epochsSeen = new Set<number>();
  const totals = {
    chunkSlots: 0,
    skippedSlots: 0,
    deliveries: 0,
    received: 0,
    receivedBytes: 0,
    lost: 0,
    late: 0,
    unserved: 0,
    forged: 0,
    acknowledged: 0,
  };
  const background = new Set<Promise<unknown>>();

  const now = (): number => (fast ? virtualNow : clock.now());
  const epochOf = (ms: number): number => Number(getEpoch(epochParams, BigInt(ms)));
  const track = (p: Promise<unknown>): void => {
    const q = p.catch(() => undefined).finally(() => background.delete(q));
    background.add(q);
  };

  // ---- relay lifecycle --------------------------------------------------------------------------------
  const openRelay = async (r: RelayState): Promise<void> => {
    if (r.open) return;
    if (r.direct) {
      r.open = true;
      return;
    }
    r.sdk = await createRelay({
      dbPath: r.dbPath,
      aggregatorUrl: options.aggregatorUrl,
      relay: r.address,
      domain: options.domain,
      intervalMs: 1000,
      // Many relay nodes share one process and one disk here: an fsync per commit (FULL) would make the disk, not
      // the protocol, the bottleneck. WAL + NORMAL still survives a crash of the process.
      synchronous: "NORMAL",
      ...o.relayOptions,
      now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    r.open = true;
    if (!fast && running) r.sdk.start();
  };

  /** Flushes until nothing is left or `rounds` flushes made no progress possible. */
  const flushRelay = async (r: RelayState, rounds = 3): Promise<void> => {
    if (r.flushing) await r.flushing;
    const sdk = r.sdk;
    const direct = r.direct;
    if (!sdk && !direct) return;
    const work = (async () => {
      r.addedSinceFlush = 0;
      if (direct) return direct.flush();
      for (let i = 0; i < rounds; i++) {
        try {
          const result = await sdk!.flush();
          if (result.complete) return;
        } catch (error) {
          r.lastError = error;
          return;
        }
      }
    })();
    r.flushing = work;
    try {
      await work;
    } finally {
      if (r.flushing === work) r.flushing = null;
    }
  };

  const closeRelay = async (r: RelayState): Promise<void> => {
    if (!r.open) return;
    if (r.flushing) await r.flushing;
    await r.sdk?.stop();
    await flushRelay(r);
    await r.sdk?.close();
    r.sdk = null;
    r.open = false;
  };

  const flushAll = async (): Promise<void> => {
    await Promise.all([...background]);
    await Promise.all([
      ...relayStates.filter((r) => r.open).map((r) => flushRelay(r)),
      ...cheaters.map((r) => r.cheat!.flush()),
    ]);
  };

  // ---- sessions ---------------------------------------------------------------------------------------
  const startSession = (seat: Seat, at: number): Session => {
    const key = newKey(keys.fork(`viewer-${seat.index}-${seat.sessions}`));
    const { signed, ticketHash } = issuer.issue({
      viewer: key.address,
      notBefore: at - 1000,
      notAfter: at + o.ticketValidForMs,
      maxBytes: o.ticketMaxBytes,
    });
    seat.sessions++;
    return {
      key,
      ticket: signed,
      ticketJson: signedViewerTicketToJson(signed),
      ticketHash,
      notAfter: at + o.ticketValidForMs,
      maxBytes: Number(o.ticketMaxBytes),
      bytes: 0,
      receiver:
        o.signer === "receiver"
          ? createReceiver({
              domain: options.domain,
              ticket: signed,
              sessionKey: key.privateKey,
              now: () => deliveryTime,
              keccak,
            })
          : null,
    };
  };

  const signWith = (receipt: ChunkReceipt, privateKey: Hex): { signed: SignedChunkReceipt; receiptId: Hex } => {
    if (nativeSigner) return nativeSigner.sign(receipt, privateKey);
    const receiptId = getReceiptId(receipt, options.domain, keccak);
    return { signed: { receipt, signature: signDigest(receiptId, privateKey) }, receiptId };
  };

  // ---- one chunk slot ---------------------------------------------------------------------------------
  const chunkBuffer = new Uint8Array(layout.chunkSize(0));

  const processSlot = async (segment: number, chunk: number, at: number): Promise<void> => {
    const epoch = epochOf(at);
    if (currentEpoch !== null && epoch !== currentEpoch) {
      // An epoch ended: get its receipts to the aggregator well before it closes (in fast mode, before the
      // virtual clock moves past the epoch's last chunk).
      if (fast) await flushAll();
      else for (const r of relayStates) if (r.open) track(flushRelay(r));
    }
    virtualNow = at;
    deliveryTime = at;
    currentEpoch = epoch;
    epochsSeen.add(epoch);
    const dtSeconds = lastSlotAt === null ? 0 : (at - lastSlotAt) / 1000;
    lastSlotAt = at;
    totals.chunkSlots++;

    await releaseLate(at, false);

    // Relays leave and come back.
    const pRelayLeave = 1 - Math.exp((-o.churn.relaysPerMinute / 60) * dtSeconds);
    let online = relayStates.filter((r) => r.online).length;
    for (const r of relayStates) {
      if (r.online) {
        if (online > o.churn.minOnlineRelays && events.chance(pRelayLeave)) {
          r.online = false;
          r.leaves++;
          online--;
          r.offlineUntil = at + events.exponential(o.churn.relayOfflineSeconds * 1000);
          await closeRelay(r);
        }
      } else if (at >= r.offlineUntil) {
        r.online = true;
        r.joins++;
        online++;
        await openRelay(r);
      }
    }

    // Viewers leave and new sessions take their seats.
    const pViewerLeave = 1 - Math.exp((-o.churn.viewersPerMinute / 60) * dtSeconds);
    for (const seat of seats) {
      if (seat.session) {
        if (events.chance(pViewerLeave)) {
          seat.session = null;
          seat.attached = [];
          seat.rejoinAt = at + events.exponential(o.churn.viewerRejoinSeconds * 1000);
        }
      } else if (at >= seat.rejoinAt) seat.session = startSession(seat, at);
    }

    // Deliveries.
    const size = layout.chunkSize(chunk);
    const bytes = fillChunkBytes(chunkBuffer.subarray(0, size), contentSeed, segment, chunk);
    let chunkHash: Hex | null = null;
    const getChunkHash = (): Hex => (chunkHash ??= bytesToHex(keccak(bytes)));
    const collected = new Map<RelayState, Collected>();
    const eligible = relayStates.filter((r) => r.online && (!r.cheater || o.cheat.deliver));
    for (const seat of seats) {
      let session = seat.session;
      if (!session) continue;
      if (at > session.notAfter || session.bytes + size > session.maxBytes)
        session = seat.session = startSession(seat, at);
      seat.attached = seat.attached.filter((r) => r.online);
      while (seat.attached.length < o.attachPerViewer) {
        const candidates = eligible.filter((r) => !seat.attached.includes(r));
        if (candidates.length === 0) break;
        seat.attached.push(candidates[events.int(candidates.length)]!);
      }
      if (seat.attached.length === 0) {
        seat.unserved++;
        totals.unserved++;
        continue;
      }
      const relay = seat.attached[events.int(seat.attached.length)]!;
      totals.deliveries++;
      relay.sent.chunks++;
      relay.sent.bytes += size;
      if (events.chance(o.loss)) {
        relay.lost.chunks++;
        relay.lost.bytes += size;
        seat.lost++;
        totals.lost++;
        forge(relay, session, segment, chunk, size, at, null, getChunkHash);
        continue;
      }
      let signed: SignedChunkReceipt;
      if (session.receiver) {
        const result = session.receiver.signChunk({ bytes, relay: relay.address, segment, chunk });
        signed = result.signed;
        chunkHash ??= result.chunkHash;
      } else {
        signed = nativeSigner!.sign(
          {
            poolId: session.ticket.ticket.poolId,
            ticketHash: session.ticketHash,
            relay: relay.address,
            segment: BigInt(segment),
            chunk,
            chunkHash: getChunkHash(),
            size,
            deliveredAt: BigInt(at),
          },
          session.key.privateKey,
        ).signed;
      }
      const json = signedChunkReceiptToJson(signed);
      session.bytes += size;
      seat.chunks++;
      seat.bytes += size;
      relay.delivered.chunks++;
      relay.delivered.bytes += size;
      totals.received++;
      totals.receivedBytes += size;
      if (events.chance(o.late)) {
        seat.late++;
        relay.late.receipts++;
        relay.late.bytes += size;
        totals.late++;
        lateQueue.push({
          relay,
          receipt: json,
          ticket: session.ticketJson,
          ticketHash: session.ticketHash,
          releaseAt: Number(getEpochClosesAt(epochParams, BigInt(epoch))) * 1000 + o.lateMarginMs,
        });
        continue;
      }
      let c = collected.get(relay);
      if (!c) collected.set(relay, (c = { receipts: [], tickets: new Map() }));
      c.receipts.push(json);
      if (!relay.knownTickets.has(session.ticketHash)) c.tickets.set(session.ticketHash, session.ticketJson);
      relay.expected.receipts++;
      relay.expected.bytes += size;
      const e = relay.expected.byEpoch.get(epoch) ?? { receipts: 0, bytes: 0 };
      e.receipts++;
      e.bytes += size;
      relay.expected.byEpoch.set(epoch, e);
      forge(relay, session, segment, chunk, size, at, signed, getChunkHash);
    }

    // Each relay stores what it collected in one transaction (acknowledging the viewers).
    for (const [relay, c] of collected) await handOver(relay, c.receipts, c.tickets);

    if (fast) {
      for (const r of cheaters) if (r.cheat!.queued >= o.cheatBatch) await r.cheat!.flush();
    } else if (at >= nextCheatFlushAt) {
      nextCheatFlushAt = at + o.relayIntervalMs;
      for (const r of cheaters) if (r.cheat!.queued > 0) track(r.cheat!.flush());
      // Direct relays have no background loop of their own.
      for (const r of relayStates) if (r.direct && r.open && r.direct.queued > 0 && !r.flushing) track(flushRelay(r));
    }

    if (options.onProgress && at >= nextProgressAt) {
      nextProgressAt = at + o.progressIntervalMs;
      options.onProgress(progress(at));
    }
  };

  const handOver = async (
    relay: RelayState,
    receipts: SignedChunkReceiptJson[],
    tickets: Map<string, SignedViewerTicketJson>,
  ): Promise<void> => {
    if (relay.direct) {
      for (const [hash, json] of tickets) relay.ticketJsons.set(hash, json);
      for (const receipt of receipts) {
        const ticketHash = receipt.receipt.ticketHash;
        relay.direct.queue({
          receipt,
          ticket: relay.ticketJsons.get(ticketHash)!,
          ticketHash,
          tag: receipt.receipt.size,
        });
      }
      relay.ledger.byStatus.pending += receipts.length;
      relay.ledger.total += receipts.length;
    } else await relay.sdk!.addReceipts(receipts, tickets.size > 0 ? { tickets: [...tickets.values()] } : {});
    for (const hash of tickets.keys()) relay.knownTickets.add(hash);
    totals.acknowledged += receipts.length;
    relay.addedSinceFlush += receipts.length;
    if (fast && relay.addedSinceFlush >= o.flushEvery) {
      relay.addedSinceFlush = 0;
      if (relay.flushing) await relay.flushing;
      track(flushRelay(relay, 1));
    }
  };

  /** A cheater's forged claim for a chunk `deliverer` delivered (or lost) to `session`. */
  const forge = (
    deliverer: RelayState,
    session: Session,
    segment: number,
    chunk: number,
    size: number,
    at: number,
    genuine: SignedChunkReceipt | null,
    getChunkHash: () => Hex,
  ): void => {
    for (const cheater of cheaters) {
      if (cheater === deliverer || !cheatRandom.chance(o.cheat.rate)) continue;
      let mode = o.cheat.modes[cheatRandom.int(o.cheat.modes.length)]!;
      if (!genuine && (mode === "replay" || mode === "replay-rewrite")) {
        const fallback = o.cheat.modes.find((m) => m === "wrong-signer" || m === "fake-ticket");
        if (!fallback) continue;
        mode = fallback;
      }
      const base: ChunkReceipt = {
        poolId: session.ticket.ticket.poolId,
        ticketHash: session.ticketHash,
        relay: cheater.address,
        segment: BigInt(segment),
        chunk,
        chunkHash: genuine?.receipt.chunkHash ?? getChunkHash(),
        size,
        deliveredAt: BigInt(at),
      };
      let receipt: SignedChunkReceipt;
      let ticket = session.ticketJson;
      let ticketHash: string = session.ticketHash;
      if (mode === "wrong-signer") receipt = signWith(base, cheatKey.privateKey).signed;
      else if (mode === "replay") receipt = genuine!;
      else if (mode === "replay-rewrite")
        receipt = { receipt: { ...genuine!.receipt, relay: cheater.address }, signature: genuine!.signature };
      else {
        let fake = fakeTickets.get(session.ticketHash);
        if (!fake) {
          if (fakeTickets.size >= 10_000) fakeTickets.clear();
          const key = newKey(keys.fork(`fake-viewer-${session.ticketHash}`));
          const fakeIssuer = createTicketIssuer({
            domain: options.domain,
            poolId: options.poolId,
            streamId,
            ticketSignerKey: fakeTicketSigner.privateKey,
            keccak,
          });
          const { signed, ticketHash: fakeHash } = fakeIssuer.issue({
            viewer: key.address,
            notBefore: Number(session.ticket.ticket.notBefore),
            notAfter: Number(session.ticket.ticket.notAfter),
            maxBytes: session.ticket.ticket.maxBytes,
          });
          fake = { key, signed, json: signedViewerTicketToJson(signed), ticketHash: fakeHash };
          fakeTickets.set(session.ticketHash, fake);
        }
        receipt = signWith({ ...base, ticketHash: fake.ticketHash }, fake.key.privateKey).signed;
        ticket = fake.json;
        ticketHash = fake.ticketHash;
      }
      totals.forged++;
      cheater.cheat!.queue({ receipt: signedChunkReceiptToJson(receipt), ticket, ticketHash, mode });
    }
  };

  /** Hands late receipts that are due (all of them when `all`) to their relays. */
  const releaseLate = async (at: number, all: boolean): Promise<void> => {
    if (lateQueue.length === 0) return;
    const due = new Map<RelayState, Collected>();
    const keep: LateReceipt[] = [];
    for (const item of lateQueue) {
      if ((all || item.releaseAt <= at) && item.relay.open) {
        let c = due.get(item.relay);
        if (!c) due.set(item.relay, (c = { receipts: [], tickets: new Map() }));
        c.receipts.push(item.receipt);
        c.tickets.set(item.ticketHash, item.ticket);
      } else keep.push(item);
    }
    lateQueue = keep;
    for (const [relay, c] of due) await handOver(relay, c.receipts, c.tickets);
  };

  /** After the last slot: late receipts once their epochs closed, then everything still unsent. */
  const drain = async (signal: AbortSignal): Promise<void> => {
    await flushAll();
    lateQueue.sort((a, b) => a.releaseAt - b.releaseAt);
    const reopened: RelayState[] = [];
    while (lateQueue.length > 0 && !signal.aborted) {
      const dueAt = lateQueue[0]!.releaseAt;
      if (fast) virtualNow = Math.max(virtualNow, dueAt);
      else if (dueAt > clock.now()) await clock.sleep(dueAt - clock.now(), signal);
      if (signal.aborted) break;
      const t = now();
      for (const item of lateQueue)
        if (item.releaseAt <= t && !item.relay.open) {
          await openRelay(item.relay);
          reopened.push(item.relay);
        }
      await releaseLate(t, false);
    }
    await flushAll();
    for (const r of reopened) if (!r.online) await closeRelay(r);
  };

  // ---- reporting --------------------------------------------------------------------------------------
  const progress = (at: number): SimulationProgress => {
    let accepted = 0;
    let rejected = 0;
    let pending = 0;
    for (const r of relayStates) {
      if (r.direct) {
        accepted += r.ledger.byStatus.accepted;
        rejected += r.ledger.byStatus.rejected;
        pending += r.ledger.byStatus.pending;
      } else if (r.sdk) {
        const s = r.sdk.stats();
        accepted += s.receipts.accepted;
        rejected += s.receipts.rejected;
        pending += s.receipts.pending + s.receipts.submitting;
      }
    }
    return {
      at,
      epoch: epochOf(at),
      wallMs: wallMs + (runStartedAt === null ? 0 : performance.now() - runStartedAt),
      lagMs,
      activeViewers: seats.filter((s) => s.session).length,
      onlineRelays: relayStates.filter((r) => r.online).length,
      deliveries: totals.deliveries,
      receipts: totals.received,
      lost: totals.lost,
      late: totals.late,
      forged: totals.forged,
      accepted,
      rejected,
      pending,
    };
  };

  const summary = (summaryOptions: { viewers?: boolean } = {}): SimulationSummary => {
    const problems: string[] = [];
    const relays: RelaySummary[] = relayStates.map((r) => {
      const store = r.direct ? structuredClone(r.ledger) : readRelayStoreSummary(r.dbPath);
      const byEpoch: EpochTally = {};
      for (const [e, t] of [...r.expected.byEpoch].sort((a, b) => a[0] - b[0])) byEpoch[String(e)] = { ...t };
      return {
        index: r.index,
        address: r.address,
        cheater: r.cheater,
        online: r.online,
        joins: r.joins,
        leaves: r.leaves,
        sent: { ...r.sent },
        delivered: { ...r.delivered },
        lost: { ...r.lost },
        late: { ...r.late },
        expected: { receipts: r.expected.receipts, bytes: r.expected.bytes, byEpoch },
        receipts: {
          acknowledged: store.total,
          pending: store.byStatus.pending,
          submitting: store.byStatus.submitting,
          accepted: store.byStatus.accepted,
          alreadyAccepted: store.alreadyAccepted,
          acceptedBytes: store.acceptedBytes,
          acceptedByEpoch: store.acceptedByEpoch,
          rejected: store.byStatus.rejected,
          rejectedByCode: store.rejectedByCode,
          failed: store.byStatus.failed,
          failedByCode: store.failedByCode,
        },
        forged: r.cheat ? withQueued(r.cheat.stats(), r.cheat.queued) : emptyForged(),
      };
    });
    for (const r of relays) {
      const a = JSON.stringify(r.expected.byEpoch);
      const b = JSON.stringify(r.receipts.acceptedByEpoch);
      if (a !== b) problems.push(`relay ${r.index} (${r.address}): expected per epoch ${a}, accepted ${b}`);
    }
    const expectedMatchesAccepted = problems.length === 0;
    const sum = (f: (r: RelaySummary) => number) => relays.reduce((n, r) => n + f(r), 0);
    const rejectedByCode: CodeCounts = {};
    for (const r of relays)
      for (const [code, n] of Object.entries(r.receipts.rejectedByCode))
        rejectedByCode[code] = (rejectedByCode[code] ?? 0) + n;
    const lateSubmitted = totals.late - lateQueue.length;
    const honestRejected = sum((r) => r.receipts.rejected);
    const lateRefused = honestRejected === lateSubmitted && (rejectedByCode.EPOCH_CLOSED ?? 0) === lateSubmitted;
    if (!lateRefused)
      problems.push(
        `late receipts handed over: ${lateSubmitted}; honest receipts refused: ${honestRejected} (${JSON.stringify(rejectedByCode)})`,
      );
    const forged = {
      submitted: sum((r) => r.forged.submitted),
      accepted: sum((r) => r.forged.accepted),
      alreadyAccepted: sum((r) => r.forged.alreadyAccepted),
      rejected: sum((r) => r.forged.rejected),
      unanswered: sum((r) => r.forged.unanswered),
    };
    const forgedRefused = forged.accepted === 0 && forged.alreadyAccepted === 0 && forged.rejected === forged.submitted;
    if (!forgedRefused) problems.push(`forged claims: ${JSON.stringify(forged)}`);
    const pending = sum((r) => r.receipts.pending + r.receipts.submitting);
    const failed = sum((r) => r.receipts.failed);
    const settled = pending === 0 && failed === 0 && forged.unanswered === 0;
    if (!settled)
      problems.push(
        `unsettled: ${pending} pending/submitting, ${failed} failed, ${forged.unanswered} forged unanswered`,
      );
    const viewers: ViewerSummary[] = seats.map((s) => ({
      index: s.index,
      sessions: s.sessions,
      active: s.session !== null,
      chunks: s.chunks,
      bytes: s.bytes,
      lost: s.lost,
      late: s.late,
      unserved: s.unserved,
    }));
    const expectedBytes: Record<string, Record<string, number>> = {};
    for (const r of relays)
      expectedBytes[r.address] = Object.fromEntries(Object.entries(r.expected.byEpoch).map(([e, t]) => [e, t.bytes]));
    return {
      format: "meshpay-sim-summary/1",
      seed: String(o.seed),
      mode: o.mode,
      signer: o.signer,
      transport: o.transport,
      poolId: options.poolId.toLowerCase() as Hex,
      streamId,
      domain: {
        chainId: BigInt(options.domain.chainId).toString(),
        verifyingContract: options.domain.verifyingContract.toLowerCase() as Address,
      },
      epochParams: {
        genesisTime: Number(epochParams.genesisTime),
        epochSeconds: Number(epochParams.epochSeconds),
        graceSeconds: Number(epochParams.graceSeconds),
      },
      stream: {
        bitrateKbps: o.bitrateKbps,
        chunkBytes: o.chunkBytes,
        segmentSeconds: o.segmentSeconds,
        segmentBytes: layout.segmentBytes,
        chunksPerSegment: layout.chunksPerSegment,
      },
      workDir,
      time: {
        startedAt: startAt,
        endedAt: streamEnd,
        drainedAt: position,
        wallMs: Math.round(wallMs),
        maxLagMs,
        epochs: [...epochsSeen].sort((a, b) => a - b),
      },
      totals: {
        ticketsIssued: issuer.issued,
        viewerSessions: seats.reduce((n, s) => n + s.sessions, 0),
        chunkSlots: totals.chunkSlots,
        skippedSlots: totals.skippedSlots,
        deliveries: totals.deliveries,
        received: totals.received,
        receivedBytes: totals.receivedBytes,
        lost: totals.lost,
        late: totals.late,
        lateHeld: lateQueue.length,
        unserved: totals.unserved,
        expected: { receipts: sum((r) => r.expected.receipts), bytes: sum((r) => r.expected.bytes) },
        acknowledged: sum((r) => r.receipts.acknowledged),
        accepted: sum((r) => r.receipts.accepted),
        acceptedBytes: sum((r) => r.receipts.acceptedBytes),
        rejected: honestRejected,
        rejectedByCode,
        pending,
        failed,
        forged,
      },
      relays,
      ...(summaryOptions.viewers === false ? {} : { viewers }),
      expectedBytes,
      checks: {
        expectedMatchesAccepted,
        lateRefused,
        forgedRefused,
        settled,
        ok: expectedMatchesAccepted && lateRefused && forgedRefused && settled,
        problems,
      },
    };
  };

  // ---- run --------------------------------------------------------------------------------------------
  const run = async (runOptions: RunOptions): Promise<SimulationSummary> => {
    if (closed) throw new SimulatorError("SIMULATION_CLOSED", "The simulation is closed.");
    if (running) throw new SimulatorError("SIMULATION_BUSY", "A run is already in progress.");
    let end = runEnd(runOptions, position);
    running = true;
    stopController = new AbortController();
    const signal = stopController.signal;
    runStartedAt = performance.now();
    try {
      if (firstRun) {
        // First run: every relay comes online.
        for (const r of relayStates) {
          r.online = true;
          r.joins++;
        }
      }
      for (const r of relayStates) if (r.online) await openRelay(r);
      if (firstRun && !fast && o.startAt === undefined) {
        startAt = Math.max(clock.now(), genesisMs);
        position = virtualNow = deliveryTime = streamEnd = nextProgressAt = nextCheatFlushAt = startAt;
        slot = layout.slotAtOrAfter(startAt);
        end = runEnd(runOptions, position);
      }
      firstRun = false;
      if (!fast) for (const r of relayStates) r.sdk?.start();
      while (slot.at < end && !signal.aborted) {
        if (!fast) {
          const wait = slot.at - clock.now();
          if (wait > 0) await clock.sleep(wait, signal);
          if (signal.aborted) break;
          lagMs = Math.max(0, clock.now() - slot.at);
          maxLagMs = Math.max(maxLagMs, lagMs);
          if (lagMs > o.maxLagMs) {
            // Too late to deliver this chunk live: skip it, as a live player would, rather than send receipts
            // that could reach the aggregator after their epoch closed.
            totals.skippedSlots++;
            slot = layout.nextSlot(slot.segment, slot.chunk);
            await yieldToEventLoop();
            continue;
          }
        }
        await processSlot(slot.segment, slot.chunk, slot.at);
        slot = layout.nextSlot(slot.segment, slot.chunk);
        // Let I/O run (the relays' HTTP requests and answers, timers) even when the loop has no time to sleep.
        await yieldToEventLoop();
      }
      position = signal.aborted ? Math.max(position, virtualNow) : Math.max(end, position);
      streamEnd = position;
      if (fast) virtualNow = Math.max(virtualNow, position);
      for (const r of relayStates) await r.sdk?.stop();
      if (runOptions.drain !== false) await drain(signal);
      else await Promise.all([...background]);
      // Draining may have taken (virtual or real) time: the next run starts after it, never in the past.
      position = Math.max(position, now());
      if (slot.at < position) slot = layout.slotAtOrAfter(position);
    } finally {
      wallMs += performance.now() - runStartedAt;
      runStartedAt = null;
      running = false;
    }
    return summary();
  };

  const runEnd = (r: RunOptions, from: number): number => {
    const given = [r.until, r.seconds, r.epochs].filter((v) => v !== undefined).length;
    if (given !== 1) throw new SimulatorError("INVALID_OPTION", "run() needs exactly one of until, seconds or epochs.");
    if (r.until !== undefined) {
      if (!Number.isFinite(r.until)) throw new SimulatorError("INVALID_OPTION", "until must be unix milliseconds.");
      return r.until;
    }
    if (r.seconds !== undefined) {
      if (!(r.seconds >= 0)) throw new SimulatorError("INVALID_OPTION", "seconds must be ≥ 0.");
      return from + r.seconds * 1000;
    }
    if (!Number.isSafeInteger(r.epochs) || r.epochs! < 1)
      throw new SimulatorError("INVALID_OPTION", "epochs must be an integer ≥ 1.");
    return Number(getEpochEnd(epochParams, BigInt(epochOf(from) + r.epochs! - 1))) * 1000;
  };

  const relayViews: SimulationRelay[] = relayStates.map((r) => ({
    get index() {
      return r.index;
    },
    get address() {
      return r.address;
    },
    get privateKey() {
      return r.privateKey;
    },
    get dbPath() {
      return r.dbPath;
    },
    get cheater() {
      return r.cheater;
    },
    get online() {
      return r.online;
    },
    get sdk() {
      return r.sdk;
    },
  }));
  const viewerViews: SimulationViewer[] = seats.map((s) => ({
    get index() {
      return s.index;
    },
    get active() {
      return s.session !== null;
    },
    get sessions() {
      return s.sessions;
    },
    get session() {
      return s.session
        ? { viewer: s.session.key.address, ticketHash: s.session.ticketHash, notAfter: s.session.notAfter }
        : null;
    },
    get attached() {
      return s.attached.map((r) => r.address);
    },
  }));

  return {
    relays: relayViews,
    viewers: viewerViews,
    workDir,
    streamId,
    now,
    chunkBytes: (segment, chunk) => {
      if (
        !Number.isSafeInteger(segment) ||
        segment < 0 ||
        !Number.isSafeInteger(chunk) ||
        chunk < 0 ||
        chunk >= layout.chunksPerSegment
      )
        throw new SimulatorError(
          "INVALID_OPTION",
          `No chunk ${segment}/${chunk} in this stream (${layout.chunksPerSegment} chunks per segment).`,
        );
      return fillChunkBytes(new Uint8Array(layout.chunkSize(chunk)), contentSeed, segment, chunk);
    },
    run,
    stop() {
      stopController.abort();
    },
    summary,
    async close() {
      if (closed) return;
      stopController.abort();
      closed = true;
      await Promise.all([...background]);
      for (const r of relayStates) {
        if (r.direct && r.open) await r.direct.flush();
        await r.sdk?.close();
        r.sdk = null;
        r.open = false;
      }
    },
  };
}

function emptyLedger(): RelayStoreSummary {
  return {
    byStatus: { pending: 0, submitting: 0, accepted: 0, rejected: 0, failed: 0 },
    total: 0,
    acceptedBytes: 0,
    alreadyAccepted: 0,
    acceptedByEpoch: {},
    rejectedByCode: {},
    failedByCode: {},
  };
}

function emptyForged(): ForgedStats {
  return {
    submitted: 0,
    accepted: 0,
    alreadyAccepted: 0,
    rejected: 0,
    unanswered: 0,
    rejectedByCode: {},
    byMode: Object.fromEntries(
      cheatModes.map((m) => [m, { submitted: 0, accepted: 0, alreadyAccepted: 0, rejected: 0, rejectedByCode: {} }]),
    ) as ForgedStats["byMode"],
  };
}

/** Claims still queued count as unanswered. */
function withQueued(stats: ForgedStats, queued: number): ForgedStats {
  return { ...stats, unanswered: stats.unanswered + queued };
}

type Resolved = {
  seed: number | string;
  viewers: number;
  relays: number;
  attachPerViewer: number;
  bitrateKbps: number;
  chunkBytes: number;
  segmentSeconds: number;
  churn: {
    viewersPerMinute: number;
    viewerRejoinSeconds: number;
    relaysPerMinute: number;
    relayOfflineSeconds: number;
    minOnlineRelays: number;
  };
  loss: number;
  late: number;
  lateMarginMs: number;
  cheat: { relays: number; rate: number; modes: CheatMode[]; deliver: boolean };
  ticketValidForMs: number;
  ticketMaxBytes: bigint;
  mode: "realtime" | "fast";
  startAt: number | undefined;
  signer: "receiver" | "native";
  transport: "relay-sdk" | "direct";
  relayOptions: NonNullable<SimulationOptions["relayOptions"]>;
  relayIntervalMs: number;
  maxLagMs: number;
  /** Fast mode: a relay flushes once this many receipts were added since its last flush. */
  flushEvery: number;
  cheatBatch: number;
  progressIntervalMs: number;
};

function resolveOptions(options: SimulationOptions): Resolved {
  const bad = (message: string): never => {
    throw new SimulatorError("INVALID_OPTION", message);
  };
  const int = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
  ): number => {
    const v = value ?? fallback;
    if (!Number.isSafeInteger(v) || v < min || v > max) bad(`${name} must be an integer from ${min} to ${max}.`);
    return v;
  };
  const num = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max = Number.POSITIVE_INFINITY,
  ): number => {
    const v = value ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
      bad(`${name} must be a number from ${min} to ${max}.`);
    return v;
  };
  if (typeof options.aggregatorUrl !== "string" || !/^https?:\/\//.test(options.aggregatorUrl))
    bad("aggregatorUrl must be an http(s) URL.");
  if (!options.domain || !isHexOfLength(options.domain.verifyingContract, 20))
    bad("domain.verifyingContract must be an address.");
  if (!isHexOfLength(options.poolId, 32)) bad("poolId must be 32 bytes of 0x-hex.");
  if (!isHexOfLength(options.ticketSignerKey, 32)) bad("ticketSignerKey must be a 32-byte 0x secret key.");
  if (options.streamId !== undefined && !isHexOfLength(options.streamId, 32))
    bad("streamId must be 32 bytes of 0x-hex.");
  const ep = options.epochParams;
  if (
    !ep ||
    typeof ep.genesisTime !== "bigint" ||
    typeof ep.epochSeconds !== "bigint" ||
    typeof ep.graceSeconds !== "bigint" ||
    ep.epochSeconds <= 0n
  )
    bad("epochParams must be { genesisTime, epochSeconds > 0, graceSeconds } as bigints (seconds).");
  const relays = int("relays", options.relays, 40, 1, 10_000);
  const bitrateKbps = num("bitrateKbps", options.bitrateKbps, 1000, 0.001);
  const segmentSeconds = num("segmentSeconds", options.segmentSeconds, 2, 0.001);
  const ticketValidForMs = int("ticket.validForMs", options.ticket?.validForMs, 600_000, 1000);
  const defaultMaxBytes =
    BigInt(Math.ceil(((bitrateKbps * 1000) / 8) * (ticketValidForMs / 1000) * 2)) +
    BigInt(options.chunkBytes ?? 65_536);
  const ticketMaxBytes = BigInt(options.ticket?.maxBytes ?? defaultMaxBytes);
  if (ticketMaxBytes < BigInt(options.chunkBytes ?? 65_536) || ticketMaxBytes > BigInt(Number.MAX_SAFE_INTEGER))
    bad("ticket.maxBytes must be from chunkBytes (a ticket must cover at least one chunk) to 2^53 − 1.");
  const cheatRelays = int("cheat.relays", options.cheat?.relays, 0, 0, relays);
  const modes = options.cheat?.modes ?? [...cheatModes];
  if (!Array.isArray(modes) || modes.length === 0 || modes.some((m) => !cheatModes.includes(m)))
    bad(`cheat.modes must be a non-empty list of ${cheatModes.join(", ")}.`);
  const mode = options.mode ?? "realtime";
  if (mode !== "realtime" && mode !== "fast") bad('mode must be "realtime" or "fast".');
  const signer = options.signer ?? "receiver";
  if (signer !== "receiver" && signer !== "native") bad('signer must be "receiver" or "native".');
  const transport = options.transport ?? "relay-sdk";
  if (transport !== "relay-sdk" && transport !== "direct") bad('transport must be "relay-sdk" or "direct".');
  const maxBatch = options.relayOptions?.maxBatchReceipts ?? 1000;
  return {
    seed: options.seed ?? 1,
    viewers: int("viewers", options.viewers, 200, 0, 1_000_000),
    relays,
    attachPerViewer: int("attachPerViewer", options.attachPerViewer, 2, 1, relays),
    bitrateKbps,
    chunkBytes: int("chunkBytes", options.chunkBytes, 65_536, 1, 0xffff_ffff),
    segmentSeconds,
    churn: {
      viewersPerMinute: num("churn.viewersPerMinute", options.churn?.viewersPerMinute, 0, 0),
      viewerRejoinSeconds: num("churn.viewerRejoinSeconds", options.churn?.viewerRejoinSeconds, 2, 0),
      relaysPerMinute: num("churn.relaysPerMinute", options.churn?.relaysPerMinute, 0, 0),
      relayOfflineSeconds: num("churn.relayOfflineSeconds", options.churn?.relayOfflineSeconds, 5, 0),
      minOnlineRelays: int("churn.minOnlineRelays", options.churn?.minOnlineRelays, 1, 0, relays),
    },
    loss: num("loss", options.loss, 0, 0, 1),
    late: num("late", options.late, 0, 0, 1),
    lateMarginMs: int("lateMarginMs", options.lateMarginMs, 1000, 0),
    cheat: {
      relays: cheatRelays,
      rate: num("cheat.rate", options.cheat?.rate, 0.05, 0, 1),
      modes,
      deliver: options.cheat?.deliver ?? true,
    },
    ticketValidForMs,
    ticketMaxBytes,
    mode,
    startAt: options.startAt === undefined ? undefined : num("startAt", options.startAt, 0, 0),
    signer,
    transport,
    relayOptions: options.relayOptions ?? {},
    relayIntervalMs: options.relayOptions?.intervalMs ?? 1000,
    flushEvery: maxBatch,
    cheatBatch: Math.min(1000, maxBatch),
    progressIntervalMs: int("progressIntervalMs", options.progressIntervalMs, 1000, 1),
    maxLagMs: int("maxLagMs", options.maxLagMs, 1000, 0),
  };
}
