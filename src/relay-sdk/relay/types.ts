import type { Address, Hex, MeshpayDomain, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../../protocol/wire/jsonTypes.ts";

/**
 * Where a receipt is: `pending` (stored, in no batch yet), `submitting` (in an open batch: sent or about to be,
 * no answer yet), `accepted` (the aggregator answered accepted or already_accepted), `rejected` (the aggregator
 * refused it; `errors` says why), `failed` (its batch got a final whole-request error; nothing was stored).
 */
export type ReceiptStatus = "pending" | "submitting" | "accepted" | "rejected" | "failed";
/** The aggregator's per-receipt answer (docs/api.md). */
export type AggregatorResult = "accepted" | "already_accepted" | "rejected";
/**
 * `open`: created, not answered yet (in flight or waiting for a retry); `done`: answered 200; `failed`: final
 * error.
 */
export type BatchStatus = "open" | "done" | "failed";
/** A code and a sentence, as the aggregator (or the relay, for whole-request failures) reported it. */
export type ErrorEntry = { code: string; message: string };

export type RetryPolicy = {
  /** First backoff ceiling in ms (default 500). Attempt n waits random() · min(maxDelayMs, baseDelayMs · 2^(n−1)). */
  baseDelayMs?: number;
  /** Cap of the backoff ceiling in ms (default 60,000). */
  maxDelayMs?: number;
  /** Attempts one flush() makes per batch before giving up for now (default 8); the batch stays open. */
  maxAttempts?: number;
  /** Per-attempt timeout in ms, response body included (default 30,000). */
  requestTimeoutMs?: number;
};

/** What the relay reports as it works (for logs and metrics). */
export type RelayEvent =
  | { type: "batch_created"; idempotencyKey: string; receipts: number; tickets: number; bytes: number }
  | {
      type: "attempt";
      idempotencyKey: string;
      attempt: number;
      outcome: "processed" | "retry" | "final" | "aborted";
      httpStatus?: number;
      code?: string;
      /** For `retry`: how long the relay waits before the next attempt. */
      delayMs?: number;
    }
  | { type: "loop_error"; error: unknown };

export type CreateRelayOptions = {
  /** SQLite file (created if missing). */
  dbPath: string;
  /** Base URL of the aggregator, e.g. http://127.0.0.1:8080 (POST {aggregatorUrl}/v1/receipts). */
  aggregatorUrl: string;
  /** The relay's payout account: every receipt's `relay`. */
  relay: Address;
  /** EIP-712 domain (chain and RewardDistributor) the receipts are signed for. */
  domain: MeshpayDomain;
  /** Most receipts per batch (default 1,000; the API allows 5,000). */
  maxBatchReceipts?: number;
  /** Most tickets per batch (default and API limit 1,000). */
  maxBatchTickets?: number;
  /** Most request-body bytes per batch (default 1 MiB; the API allows 4 MiB). A single receipt is always sent. */
  maxBatchBytes?: number;
  retry?: RetryPolicy;
  /** Background loop period in ms (default 5,000); the loop also wakes once maxBatchReceipts are pending. */
  intervalMs?: number;
  /**
   * SQLite `synchronous` (default "FULL"): with WAL, FULL fsyncs the log at every commit so an acknowledged
   * receipt survives power loss; NORMAL survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: "FULL" | "NORMAL";
  /** Injectable dependencies (defaults: global fetch, Date.now, setTimeout, Math.random). */
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). */
  random?: () => number;
  onEvent?: (event: RelayEvent) => void;
};

export type AddReceiptResult = {
  receiptId: Hex;
  status: ReceiptStatus;
  /** True when this exact receipt was already stored (nothing changed). */
  duplicate: boolean;
};

export type ReceiptBatchRef = {
  idempotencyKey: string;
  /** Index of the receipt in that batch's request. */
  position: number;
  result: AggregatorResult | null;
  epoch: number | null;
  errors: ErrorEntry[];
};

export type ReceiptRecord = {
  receiptId: Hex;
  uniquenessKey: string;
  ticketHash: Hex;
  status: ReceiptStatus;
  result: AggregatorResult | null;
  /** Epoch the aggregator credits it to (accepted receipts). */
  epoch: number | null;
  errors: ErrorEntry[];
  /** Idempotency key of the batch it is (or last was) in. */
  batch: string | null;
  size: number;
  /** unix ms */
  addedAt: number;
  submittedAt: number | null;
  resolvedAt: number | null;
  signed: SignedChunkReceipt;
};

export type BatchAttempt = {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  outcome: "processed" | "retry" | "final" | "aborted" | null;
  httpStatus: number | null;
  code: string | null;
  message: string | null;
  retryAfterMs: number | null;
  delayMs: number | null;
};

export type BatchRecord = {
  idempotencyKey: string;
  status: BatchStatus;
  receipts: number;
  tickets: number;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: (ErrorEntry & { httpStatus?: number }) | null;
  httpStatus: number | null;
  /** The aggregator answered with `Idempotent-Replayed: true`. */
  replayed: boolean;
  accepted: number | null;
  alreadyAccepted: number | null;
  rejected: number | null;
  completedAt: number | null;
};

export type BatchOutcome = {
  idempotencyKey: string;
  receipts: number;
  /** processed: answered 200; failed: final error; incomplete: still open (retries exhausted for now, or closed). */
  outcome: "processed" | "failed" | "incomplete";
  accepted: number;
  alreadyAccepted: number;
  rejected: number;
  error?: ErrorEntry;
};

export type FlushResult = {
  batches: BatchOutcome[];
  /** Receipts still pending or submitting after this flush. */
  remaining: number;
  /** True when nothing is left to send. */
  complete: boolean;
};

export type RelayStats = {
  receipts: Record<ReceiptStatus | "total", number>;
  bytes: Record<ReceiptStatus | "total", number>;
  batches: Record<BatchStatus | "total", number>;
  /** addedAt of the oldest receipt not yet answered, or null. */
  oldestUnsettledAt: number | null;
  lastError: (ErrorEntry & { idempotencyKey: string; at: number }) | null;
};

/** A self-contained record for a dispute: what was collected, what was sent, what the aggregator answered. */
export type RelayEvidence = {
  format: "meshpay-relay-evidence/1";
  exportedAt: number;
  relay: Address;
  domain: { chainId: string; verifyingContract: Address };
  aggregatorUrl: string;
  summary: RelayStats["receipts"] & { acceptedBytes: number };
  receipts: Array<{
    receiptId: Hex;
    uniquenessKey: string;
    status: ReceiptStatus;
    result: AggregatorResult | null;
    epoch: number | null;
    errors: ErrorEntry[];
    addedAt: number;
    submittedAt: number | null;
    resolvedAt: number | null;
    /** Every batch the receipt was sent in, oldest first, with that batch's answer for it. */
    batches: ReceiptBatchRef[];
    /** The signed receipt, in the JSON wire form. */
    signed: SignedChunkReceiptJson;
  }>;
  /** The signed tickets the receipts refer to. */
  tickets: Array<{ ticketHash: Hex; signed: SignedViewerTicketJson }>;
  /** The batches those receipts went in: the exact request body and the raw answer. */
  batches: Array<BatchRecord & { request?: string; response: string | null; attemptLog: BatchAttempt[] }>;
};

export type RelayEvidenceQuery = {
  status?: ReceiptStatus | ReceiptStatus[];
  receiptIds?: Hex[];
  /** Include each batch's exact request body (default true). */
  includeRequests?: boolean;
};

export type ListReceiptsQuery = {
  status?: ReceiptStatus | ReceiptStatus[];
  /** Only receipts the aggregator credited to this epoch. */
  epoch?: number;
  /** Only receipts under tickets of this pool. */
  poolId?: Hex;
  receiptIds?: Hex[];
  /** "oldest" (default): in the order they were stored; "newest": the last stored first. */
  order?: "oldest" | "newest";
  limit?: number;
  offset?: number;
};

/** Receipts and bytes. */
export type ReceiptTally = { receipts: number; bytes: number };

/** Whose store a file is: written when the store was created, checked at every open. */
export type RelayStoreMeta = {
  relay: Address;
  chainId: string;
  verifyingContract: Address;
  /** Random per store: part of every Idempotency-Key the relay makes. */
  instanceId: string;
};

/** What a relay store holds and what the aggregator answered, counted in one read transaction. */
export type RelayStoreSummary = RelayStats & {
  /** Accepted receipts the aggregator answered `already_accepted` (counted in `receipts.accepted` too). */
  alreadyAccepted: number;
  /** Accepted receipts and bytes per epoch the aggregator credited them to (decimal keys, ascending). */
  acceptedByEpoch: Record<string, ReceiptTally>;
  /** Per pool (lowercase): accepted receipts per epoch, the others per status (`epoch` null). */
  byPool: Array<ReceiptTally & { poolId: Hex; epoch: number | null; status: ReceiptStatus }>;
  /** Rejected receipts per error code (a receipt counts once per distinct code; UNKNOWN when it has none). */
  rejectedByCode: Record<string, number>;
  /** Failed receipts per error code, counted the same way. */
  failedByCode: Record<string, number>;
};

/** The relay store's read API: every read outside the relay SDK goes through it, never through its tables. */
export type RelayStoreReads = {
  meta(): RelayStoreMeta;
  stats(): RelayStats;
  summary(): RelayStoreSummary;
  listReceipts(query?: ListReceiptsQuery): ReceiptRecord[];
};

/** A relay store opened read-only (openRelayStoreReader): safe beside a running relay. */
export type RelayStoreReader = RelayStoreReads & {
  readonly path: string;
  /** Schema version of the file. */
  readonly schemaVersion: number;
  close(): void;
};

export type SignedReceiptInput = SignedChunkReceipt | SignedChunkReceiptJson;
export type SignedTicketInput = SignedViewerTicket | SignedViewerTicketJson;

export type Relay = {
  readonly relay: Address;
  /** Stores a signed ticket (idempotent). Resolves after the row is committed. */
  addTicket(ticket: SignedTicketInput): Promise<{ ticketHash: Hex; added: boolean }>;
  /**
   * Checks and stores a signed receipt; resolves only after it is committed to SQLite (durable: safe to
   * acknowledge to the viewer). Its ticket must be stored already or given here.
   */
  addReceipt(receipt: SignedReceiptInput, options?: { ticket?: SignedTicketInput }): Promise<AddReceiptResult>;
  /** addReceipt for many, in one transaction: all are stored or (on the first invalid one) none. */
  addReceipts(receipts: SignedReceiptInput[], options?: { tickets?: SignedTicketInput[] }): Promise<AddReceiptResult[]>;
  /** Sends open batches (same key, same body), then batches every pending receipt. Serialised with the loop. */
  flush(options?: { maxAttempts?: number }): Promise<FlushResult>;
  /** Alias of flush. */
  submitPending(options?: { maxAttempts?: number }): Promise<FlushResult>;
  /** Starts the background loop (flush every intervalMs, or sooner once a batch is full). */
  start(): void;
  /** Stops the loop; an in-flight request is abandoned (its batch stays open and is resent with the same key). */
  stop(): Promise<void>;
  /** Puts `failed` receipts back to `pending` (a final whole-request error stored nothing). Returns how many. */
  requeueFailed(): Promise<number>;
  listReceipts(query?: ListReceiptsQuery): ReceiptRecord[];
  getReceipt(receiptId: Hex): ReceiptRecord | undefined;
  listBatches(query?: { status?: BatchStatus }): BatchRecord[];
  evidence(query?: RelayEvidenceQuery): RelayEvidence;
  stats(): RelayStats;
  /** stop() and close the SQLite file. */
  close(): Promise<void>;
};
