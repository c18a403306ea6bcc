// The simulation's shared state: what createSimulation builds once and every part of a run (sessions, relay
// lifecycle, slot delivery, late receipts, reporting) reads and updates. Types only.
import type { Address, EpochParams, Hex, Keccak256, SignedViewerTicket } from "../protocol/types.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";
import type { Receiver } from "../relay-sdk/receiver/createReceiver.ts";
import type { Relay } from "../relay-sdk/relay/types.ts";
import type { BatchPoster } from "./createBatchPoster.ts";
import type { CheatClient } from "./createCheatClient.ts";
import type { NativeReceiptSigner } from "./createNativeReceiptSigner.ts";
import type { Random } from "./createRandom.ts";
import type { TicketIssuer } from "./createTicketIssuer.ts";
import type { StreamLayout } from "./getStreamLayout.ts";
import type { RelayStoreSummary } from "./readRelayStoreSummary.ts";
import type {
  CheatMode,
  RelaySummary,
  SimulationClock,
  SimulationOptions,
  SimulationSummary,
  Tally,
  ViewerSummary,
} from "./types.ts";

export type SessionKey = { privateKey: Hex; address: Address };

/** One viewing session: a fresh key and the ticket the broadcaster's desk issued for it. */
export type Session = {
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

/** A viewer seat: holds one session at a time and the relays it is attached to. */
export type Seat = Omit<ViewerSummary, "active"> & {
  session: Session | null;
  rejoinAt: number;
  attached: RelayState[];
};

export type RelayState = Pick<
  RelaySummary,
  "index" | "address" | "cheater" | "online" | "joins" | "leaves" | "sent" | "delivered" | "lost" | "late"
> & {
  privateKey: Hex | undefined;
  dbPath: string;
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
  expected: Tally & { byEpoch: Map<number, Tally> };
  cheat: CheatClient | null;
  lastError: unknown;
};

/** Receipts (and the tickets the relay's store does not have yet) a relay collects in one go. */
export type Collected = { receipts: SignedChunkReceiptJson[]; tickets: Map<string, SignedViewerTicketJson> };

/** A receipt held back until after its epoch closed. */
export type LateReceipt = {
  relay: RelayState;
  receipt: SignedChunkReceiptJson;
  ticket: SignedViewerTicketJson;
  ticketHash: string;
  releaseAt: number;
};

/** A ticket a cheater signed itself for a real session (fake-ticket forgeries). */
export type FakeTicket = { key: SessionKey; signed: SignedViewerTicket; json: SignedViewerTicketJson; ticketHash: Hex };

/** SimulationOptions with every default applied and every value checked. */
export type ResolvedSimulationOptions = {
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

export type SimulationTotals = Pick<
  SimulationSummary["totals"],
  "chunkSlots" | "skippedSlots" | "deliveries" | "received" | "receivedBytes" | "lost" | "late" | "unserved"
> & { forged: number; acknowledged: number };

export type SimulationState = {
  // ---- fixed at creation ----
  readonly options: SimulationOptions;
  readonly o: ResolvedSimulationOptions;
  readonly clock: SimulationClock;
  readonly keccak: Keccak256;
  /** Churn, loss, late and relay choices. */
  readonly events: Random;
  /** Relay, viewer and cheater keys. */
  readonly keys: Random;
  /** Which chunks cheaters claim, and how. */
  readonly cheatRandom: Random;
  readonly streamId: Hex;
  readonly contentSeed: number;
  readonly layout: StreamLayout;
  readonly issuer: TicketIssuer;
  readonly nativeSigner: NativeReceiptSigner | null;
  readonly workDir: string;
  readonly epochParams: EpochParams;
  readonly genesisMs: number;
  readonly fast: boolean;
  readonly relayStates: RelayState[];
  readonly cheaters: RelayState[];
  readonly cheatKey: SessionKey;
  readonly fakeTicketSigner: SessionKey;
  readonly fakeTickets: Map<string, FakeTicket>;
  readonly seats: Seat[];
  /** Reused for every chunk's bytes. */
  readonly chunkBuffer: Uint8Array;
  readonly epochsSeen: Set<number>;
  readonly totals: SimulationTotals;
  /** Flushes started and not awaited yet. */
  readonly background: Set<Promise<unknown>>;

  // ---- changed as it runs ----
  /** Realtime without an explicit startAt: re-read at the first run(), once the relays are open. */
  startAt: number;
  firstRun: boolean;
  position: number;
  virtualNow: number;
  /** The current chunk slot's time: every receipt of the slot has it as deliveredAt (also in realtime mode). */
  deliveryTime: number;
  slot: { segment: number; chunk: number; at: number };
  lastSlotAt: number | null;
  currentEpoch: number | null;
  lateQueue: LateReceipt[];
  running: boolean;
  closed: boolean;
  stopController: AbortController;
  wallMs: number;
  /** Realtime mode: how far behind schedule the current chunk slot started, and the worst so far. */
  lagMs: number;
  maxLagMs: number;
  /** End of the last run's deliveries (before draining). */
  streamEnd: number;
  runStartedAt: number | null;
  nextProgressAt: number;
  nextCheatFlushAt: number;

  // ---- helpers over the state ----
  /** The virtual clock in fast mode, clock.now() in realtime mode. */
  now(): number;
  epochOf(ms: number): number;
  /** Keeps `p` in `background` until it settles (its failure is recorded elsewhere, never thrown here). */
  track(p: Promise<unknown>): void;
};
