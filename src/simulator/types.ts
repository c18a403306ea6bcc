import type { Address, EpochParams, Hex, MeshpayDomain } from "../protocol/types.ts";
import type { CreateRelayOptions, Relay } from "../relay-sdk/relay/types.ts";

/**
 * How a cheating relay claims chunks it never delivered:
 * - `wrong-signer`: a receipt for a real viewer's ticket, signed by a key that is not the ticket's viewer
 *   (expected: RECEIPT_SIGNER_NOT_VIEWER);
 * - `fake-ticket`: a receipt signed by a viewer key under a ticket the cheater signed itself, not the pool's
 *   ticketSigner (expected: TICKET_BAD_SIGNER);
 * - `replay`: another relay's genuine signed receipt, submitted unchanged in the cheater's batch
 *   (expected: RECEIPT_RELAY_MISMATCH);
 * - `replay-rewrite`: another relay's genuine receipt with `relay` rewritten to the cheater, keeping the
 *   viewer's signature (expected: RECEIPT_SIGNER_NOT_VIEWER, the signature no longer recovers to the viewer).
 */
export type CheatMode = "wrong-signer" | "fake-ticket" | "replay" | "replay-rewrite";
export const cheatModes: readonly CheatMode[] = ["wrong-signer", "fake-ticket", "replay", "replay-rewrite"];

/** Wall clock (realtime mode) or any clock you control. Times are unix milliseconds. */
export type SimulationClock = {
  now(): number;
  /** Resolves after `ms` or as soon as `signal` aborts (without throwing). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

export type SimulationOptions = {
  // ---- where receipts go and what they are signed for ----
  /** Base URL of the aggregator (POST {aggregatorUrl}/v1/receipts). */
  aggregatorUrl: string;
  /** EIP-712 domain: chain id and the RewardDistributor address. */
  domain: MeshpayDomain;
  /** The pool the viewers' tickets are for. */
  poolId: Hex;
  /** The pool's ticketSigner secret key (the broadcaster's ticket desk). */
  ticketSignerKey: Hex;
  /** The distributor's epoch parameters (config(): genesisTime, epochSeconds, graceSeconds; seconds). */
  epochParams: EpochParams;

  // ---- the swarm ----
  /** Seed of every random choice (keys, churn, loss, late, cheating, which relay serves a chunk). Default 1. */
  seed?: number | string;
  /** Stream id in the tickets (default derived from the seed). */
  streamId?: Hex;
  /** Concurrent viewer seats (default 200). A seat holds one viewing session at a time. */
  viewers?: number;
  /** Relay operators (default 40). */
  relays?: number;
  /**
   * Payout accounts of the relays, in order (default: keys derived from the seed, exposed on `relays[i].privateKey`).
   * Give private keys too when you want to claim with them.
   */
  relayAccounts?: Array<Address | { address: Address; privateKey?: Hex }>;
  /** Relays each viewer is attached to at once (default 2); each chunk comes from one of them, chosen at random. */
  attachPerViewer?: number;
  /** Stream bitrate in kbit/s (default 1,000). */
  bitrateKbps?: number;
  /** Chunk size in bytes (default 65,536); the last chunk of a segment holds the remainder. */
  chunkBytes?: number;
  /** Segment duration in seconds (default 2). */
  segmentSeconds?: number;
  churn?: {
    /** Fraction of the active viewers that leave per minute (default 0); each seat is refilled by a new session. */
    viewersPerMinute?: number;
    /** Mean seconds before a left seat gets a new viewer session (default 2). */
    viewerRejoinSeconds?: number;
    /**
     * Fraction of the online relays that leave per minute (default 0); a relay leaves gracefully (flush, close) and
     * comes back later with the same SQLite file.
     */
    relaysPerMinute?: number;
    /** Mean seconds a relay stays away (default 5). */
    relayOfflineSeconds?: number;
    /** Relays that always stay online (default 1). */
    minOnlineRelays?: number;
  };
  /** Fraction of deliveries that never arrive (no receipt) (default 0). */
  loss?: number;
  /**
   * Fraction of the received chunks whose receipt reaches the relay only after its epoch closed (default 0): expected
   * EPOCH_CLOSED.
   */
  late?: number;
  /** A late receipt is handed to its relay this long after its epoch's close (default 1,000 ms). */
  lateMarginMs?: number;
  cheat?: {
    /** How many relays cheat (default 0): the last `relays` of the list. */
    relays?: number;
    /**
     * For each chunk another relay delivers, the probability that each cheater submits a forged claim for it (default
     * 0.05).
     */
    rate?: number;
    /** Forgery kinds used, chosen at random per claim (default all four). */
    modes?: CheatMode[];
    /** Cheaters also deliver chunks honestly (default true). */
    deliver?: boolean;
  };
  ticket?: {
    /**
     * A ticket's window, from the session start (default 600,000 ms); the viewer renews (new session key, new ticket)
     * when it runs out.
     */
    validForMs?: number;
    /**
     * A ticket's byte budget (default: twice what the stream delivers in the window); the viewer renews before
     * exceeding it.
     */
    maxBytes?: bigint | number;
  };

  // ---- time ----
  /**
   * "realtime" (default): chunks are delivered at their wall-clock time; "fast": no sleeping, the virtual clock jumps
   * from chunk to chunk.
   */
  mode?: "realtime" | "fast";
  /**
   * Start of the simulation, unix ms (default clock.now(); never before genesis). In fast mode this is how you choose
   * the receipts' timestamps.
   */
  startAt?: number;
  /**
   * Realtime mode: a chunk slot the simulator reaches more than this late (ms; default 1,000) is skipped (no
   * delivery, counted in totals.skippedSlots), as a live player skips what it cannot play in time. This keeps an
   * overloaded machine from sending on-time receipts after their epoch closed.
   */
  maxLagMs?: number;
  /** Clock for realtime mode (default Date.now and setTimeout). */
  clock?: SimulationClock;
  /**
   * Who signs the receipts: "receiver" (default) the receiver SDK (createReceiver, pure JS, hashes the bytes per
   * delivery); "native" libsecp256k1 with the chunk hashed once per chunk (same bytes, same signatures, ~10x faster).
   */
  signer?: "receiver" | "native";

  /**
   * How relays submit: "relay-sdk" (default) one relay SDK instance per relay with its own SQLite file;
   * "direct" each relay posts batches straight to the aggregator with no local store (benchmark-scale runs, where
   * the SDK's SQLite and signature re-check would be the bottleneck). The summary is the same.
   */
  transport?: "relay-sdk" | "direct";

  // ---- relays' SDK ----
  /** Directory for the relays' SQLite files (default a new temporary directory). */
  workDir?: string;
  /**
   * Passed to every createRelay (defaults here: intervalMs 1,000 and synchronous "NORMAL", since all the relay nodes
   * share one process and one disk; pass "FULL" to pay an fsync per commit as a production relay does).
   */
  relayOptions?: Pick<
    CreateRelayOptions,
    "maxBatchReceipts" | "maxBatchTickets" | "maxBatchBytes" | "intervalMs" | "synchronous" | "retry" | "onEvent"
  >;
  /** HTTP client of the relays and the cheaters (default global fetch). */
  fetch?: typeof globalThis.fetch;

  // ---- observing ----
  /** Called about every `progressIntervalMs` of simulated time. */
  onProgress?: (progress: SimulationProgress) => void;
  /** Default 1,000 ms. */
  progressIntervalMs?: number;
};

export type SimulationProgress = {
  /** Simulated time (unix ms). */
  at: number;
  epoch: number;
  wallMs: number;
  /** Realtime mode: how late (ms) the current chunk slot started; a growing lag means the machine cannot keep up. */
  lagMs: number;
  activeViewers: number;
  onlineRelays: number;
  deliveries: number;
  receipts: number;
  lost: number;
  late: number;
  forged: number;
  /** From the relays' stores (open relays only). */
  accepted: number;
  rejected: number;
  pending: number;
};

/** Receipts and bytes. Epoch keys are decimal strings. */
export type Tally = { receipts: number; bytes: number };
export type EpochTally = Record<string, Tally>;
export type CodeCounts = Record<string, number>;

export type RelaySummary = {
  index: number;
  address: Address;
  cheater: boolean;
  online: boolean;
  joins: number;
  leaves: number;
  /** Chunks this relay sent (received or lost). */
  sent: { chunks: number; bytes: number };
  /** Chunks the viewer got (each has a signed receipt). */
  delivered: { chunks: number; bytes: number };
  /** Chunks that never arrived (no receipt). */
  lost: { chunks: number; bytes: number };
  /** Receipts handed over after their epoch closed. */
  late: Tally;
  /** What the aggregator should credit, computed from the deliveries alone: on time, real, once. */
  expected: Tally & { byEpoch: EpochTally };
  /** What the relay SDK stored and what the aggregator answered (read from the relay's SQLite file). */
  receipts: {
    /** Stored by the relay SDK (acknowledged to the viewer). */
    acknowledged: number;
    pending: number;
    submitting: number;
    /** accepted + already_accepted answers. */
    accepted: number;
    alreadyAccepted: number;
    acceptedBytes: number;
    acceptedByEpoch: EpochTally;
    rejected: number;
    rejectedByCode: CodeCounts;
    /** Final whole-request errors (nothing stored by the aggregator). */
    failed: number;
    failedByCode: CodeCounts;
  };
  /** Forged claims this relay submitted (cheaters only; zeros otherwise). */
  forged: ForgedStats;
};

export type ForgedStats = {
  submitted: number;
  /** Answered `accepted`: stored and credited to the cheater (a breach). */
  accepted: number;
  /**
   * Answered `already_accepted`: not credited to the cheater (the receipt was stored before, for the relay that
   * delivered it) but not refused either, which docs/api.md reserves for the same receipt from the same relay.
   */
  alreadyAccepted: number;
  rejected: number;
  /** Submitted but with no per-receipt answer (a whole-request error, or still queued). */
  unanswered: number;
  rejectedByCode: CodeCounts;
  byMode: Record<
    CheatMode,
    { submitted: number; accepted: number; alreadyAccepted: number; rejected: number; rejectedByCode: CodeCounts }
  >;
};

export type ViewerSummary = {
  /** Seat number. */
  index: number;
  /** Viewing sessions (each a fresh key and ticket) the seat had, renewals included. */
  sessions: number;
  active: boolean;
  chunks: number;
  bytes: number;
  lost: number;
  late: number;
  /** Chunk slots with no relay online to serve the viewer. */
  unserved: number;
};

export type SimulationSummary = {
  format: "meshpay-sim-summary/1";
  seed: string;
  mode: "realtime" | "fast";
  signer: "receiver" | "native";
  transport: "relay-sdk" | "direct";
  poolId: Hex;
  streamId: Hex;
  domain: { chainId: string; verifyingContract: Address };
  epochParams: { genesisTime: number; epochSeconds: number; graceSeconds: number };
  stream: {
    bitrateKbps: number;
    chunkBytes: number;
    segmentSeconds: number;
    segmentBytes: number;
    chunksPerSegment: number;
  };
  workDir: string;
  time: {
    /** Simulated start and end of the deliveries (unix ms). */
    startedAt: number;
    endedAt: number;
    /** When draining finished (late receipts handed over after their epochs closed): the next run starts here. */
    drainedAt: number;
    /** Wall-clock milliseconds spent in run(). */
    wallMs: number;
    /**
     * Realtime mode: the most a chunk slot started behind its time. Receipts carry their slot's time, so a lag
     * near graceSeconds means on-time receipts may reach the aggregator after their epoch closed.
     */
    maxLagMs: number;
    /** Epochs deliveries fell in. */
    epochs: number[];
  };
  totals: {
    ticketsIssued: number;
    viewerSessions: number;
    chunkSlots: number;
    /**
     * Realtime mode: chunk slots skipped because the simulator was more than maxLagMs behind (an overloaded machine).
     */
    skippedSlots: number;
    /** Chunks sent by relays to viewers (received + lost). */
    deliveries: number;
    received: number;
    receivedBytes: number;
    lost: number;
    late: number;
    /** Late receipts still held (the run was stopped before their epoch closed). */
    lateHeld: number;
    unserved: number;
    expected: Tally;
    acknowledged: number;
    accepted: number;
    acceptedBytes: number;
    rejected: number;
    rejectedByCode: CodeCounts;
    pending: number;
    failed: number;
    forged: { submitted: number; accepted: number; alreadyAccepted: number; rejected: number; unanswered: number };
  };
  relays: RelaySummary[];
  /** Omitted with summary({ viewers: false }). */
  viewers?: ViewerSummary[];
  /** Expected bytes per relay per epoch (relay address → epoch → bytes): what the aggregator should credit. */
  expectedBytes: Record<string, Record<string, number>>;
  checks: {
    /** Every relay's accepted receipts and bytes per epoch equal the expected ones. */
    expectedMatchesAccepted: boolean;
    /** Every late receipt was refused with EPOCH_CLOSED, and no on-time honest receipt was refused. */
    lateRefused: boolean;
    /** No forged claim was accepted (or answered already_accepted), and every one was answered with a rejection. */
    forgedRefused: boolean;
    /** Nothing is left pending, submitting, failed or unanswered. */
    settled: boolean;
    ok: boolean;
    problems: string[];
  };
};

export type SimulationRelay = {
  readonly index: number;
  readonly address: Address;
  /** Payout key, when derived from the seed or given. */
  readonly privateKey: Hex | undefined;
  readonly dbPath: string;
  readonly cheater: boolean;
  readonly online: boolean;
  /** The relay SDK instance while the relay is online, else null (always null with transport "direct"). */
  readonly sdk: Relay | null;
};

export type SimulationViewer = {
  readonly index: number;
  readonly active: boolean;
  readonly sessions: number;
  /** The current session's viewer address and ticket hash. */
  readonly session: { viewer: Address; ticketHash: Hex; notAfter: number } | null;
  readonly attached: Address[];
};

export type RunOptions = {
  /** Run until this simulated time (unix ms, exclusive). */
  until?: number;
  /** Run for this many simulated seconds. */
  seconds?: number;
  /** Run until the end of the n-th epoch, counting the one the run starts in. */
  epochs?: number;
  /**
   * After the last chunk, wait for the late receipts' epochs to close, hand them over and submit everything
   * (default true). Without it, late receipts stay held and relays keep what they have not sent yet.
   */
  drain?: boolean;
};

export type Simulation = {
  readonly relays: readonly SimulationRelay[];
  readonly viewers: readonly SimulationViewer[];
  readonly workDir: string;
  readonly streamId: Hex;
  /**
   * The bytes of chunk `chunk` of segment `segment`, exactly as every viewer receives them (for manifests and checks).
   */
  chunkBytes(segment: number, chunk: number): Uint8Array;
  /** The simulation's current time: the virtual clock in fast mode, clock.now() in realtime mode. */
  now(): number;
  /** Simulates until the given time, then drains; resolves with the summary. Runs can follow each other. */
  run(options: RunOptions): Promise<SimulationSummary>;
  /** Ends the current run at the next chunk slot (late receipts not yet due stay held). */
  stop(): void;
  /** The summary so far (reads each relay's SQLite file). */
  summary(options?: { viewers?: boolean }): SimulationSummary;
  /** Closes every relay SDK instance. */
  close(): Promise<void>;
};
