import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getEpoch } from "../protocol/epoch/getEpoch.ts";
import { createFastKeccak256 } from "../protocol/hash/createFastKeccak256.ts";
import type { Address, Hex } from "../protocol/types.ts";
import { bytesToHex, isHexOfLength } from "../protocol/utils/bytes.ts";
import { createCheatClient } from "./createCheatClient.ts";
import { createDirectPoster } from "./createDirectPoster.ts";
import { createEmptyRelayStoreSummary } from "./createEmptyRelayStoreSummary.ts";
import { createNativeReceiptSigner } from "./createNativeReceiptSigner.ts";
import { createRandom } from "./createRandom.ts";
import { createSessionKey } from "./createSessionKey.ts";
import { createTicketIssuer } from "./createTicketIssuer.ts";
import { createWallClock } from "./createWallClock.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import { getStreamLayout } from "./getStreamLayout.ts";
import { resolveSimulationOptions } from "./resolveSimulationOptions.ts";
import type { RelayState, Seat, SimulationState } from "./SimulationState.ts";
import type { SimulationOptions } from "./types.ts";

/**
 * Checks the options and builds the swarm before its first run: the seeded random streams, the stream layout,
 * the ticket desk, every relay (payout key, SQLite path, cheat client or direct poster) and every viewer seat.
 */
export async function createSimulationState(options: SimulationOptions): Promise<SimulationState> {
  const o = resolveSimulationOptions(options);
  const clock = options.clock ?? createWallClock();
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

  const relayStates: RelayState[] = [];
  for (let i = 0; i < o.relays; i++) {
    const given = options.relayAccounts?.[i];
    const derived = given === undefined ? createSessionKey(keys.fork(`relay-${i}`)) : undefined;
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
      ledger: createEmptyRelayStoreSummary(),
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
    for (const r of relayStates)
      r.direct = createDirectPoster({
        aggregatorUrl: options.aggregatorUrl,
        relay: r.address,
        keyPrefix: `sim-${runId}-${r.index}`,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        maxBatchReceipts: o.flushEvery,
        ledger: r.ledger,
      });
  if (new Set(relayStates.map((r) => r.address)).size !== relayStates.length)
    throw new SimulatorError("INVALID_OPTION", "relayAccounts has the same address twice.");
  const cheatKey = createSessionKey(keys.fork("cheat-signer"));
  const fakeTicketSigner = createSessionKey(keys.fork("cheat-ticket-signer"));

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

  const startAt = Math.max(o.startAt ?? clock.now(), genesisMs);
  const sim: SimulationState = {
    options,
    o,
    clock,
    keccak,
    events,
    keys,
    cheatRandom,
    streamId,
    contentSeed,
    layout,
    issuer,
    nativeSigner,
    workDir,
    epochParams,
    genesisMs,
    fast,
    relayStates,
    cheaters: relayStates.filter((r) => r.cheater),
    cheatKey,
    fakeTicketSigner,
    fakeTickets: new Map(),
    seats,
    chunkBuffer: new Uint8Array(layout.chunkSize(0)),
    epochsSeen: new Set(),
    totals: {
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
    },
    background: new Set(),

    startAt,
    firstRun: true,
    position: startAt,
    virtualNow: startAt,
    deliveryTime: startAt,
    slot: layout.slotAtOrAfter(startAt),
    lastSlotAt: null,
    currentEpoch: null,
    lateQueue: [],
    running: false,
    closed: false,
    stopController: new AbortController(),
    wallMs: 0,
    lagMs: 0,
    maxLagMs: 0,
    streamEnd: startAt,
    runStartedAt: null,
    nextProgressAt: startAt,
    nextCheatFlushAt: startAt,

    now: () => (fast ? sim.virtualNow : clock.now()),
    epochOf: (ms) => Number(getEpoch(epochParams, BigInt(ms))),
    track(p) {
      const q = p.catch(() => undefined).finally(() => sim.background.delete(q));
      sim.background.add(q);
    },
  };
  return sim;
}
