import type { RewardLeafJson } from "../protocol/bundle/types.ts";
import type { Address, Hex } from "../protocol/types.ts";

// The answers of the aggregator's and the verifier's public APIs (docs/api.md), one type per concept. Amounts are
// decimal strings in the pool token's base units; times are unix seconds unless a name says otherwise.

/** One page of a list endpoint (`?limit=&cursor=`): `nextCursor` is null on the last page. */
export type PageQuery = { limit?: number; cursor?: string | null };

/** One epoch as the aggregator lists it (GET /v1/epochs, GET /v1/epochs/:epoch). */
export type AggregatorEpoch = {
  epoch: number;
  startsAt: number;
  endsAt: number;
  closesAt: number;
  status: string;
  receiptCount: number;
  bytes: string;
  post: {
    attempt: number;
    state: string;
    root: Hex | null;
    bundleHash: Hex | null;
    bundleURI: string | null;
    bundleBytes: number | null;
    receiptCount: number | null;
    leafCount: number | null;
  } | null;
};

export type EpochList = { currentEpoch: number; epochs: AggregatorEpoch[]; nextCursor: string | null };

/** The aggregator's leaf endpoint answer (GET /v1/epochs/:epoch/leaves/:poolId/:account). */
export type AggregatorLeaf = {
  epoch: number;
  attempt: number;
  state: string;
  claimable: boolean;
  root: Hex;
  bundleHash: Hex;
  leaf: RewardLeafJson;
  leafHash: Hex;
  proof: Hex[];
};

/** One pool's entry of GET /v1/accounts/:account/rewards. */
export type PoolRewards = {
  poolId: Hex;
  token: Hex | null;
  cumulativeAmount: string;
  claimed: string;
  claimable: string;
  pending: { amount: string; epoch: number | null; claimableAt: number | null };
  claim: null | {
    epoch: number;
    root: Hex;
    bundleHash: Hex;
    leaf: RewardLeafJson;
    leafHash: Hex;
    proof: Hex[];
    transaction: { to: Address; data: Hex };
  };
};

/** GET /v1/accounts/:account/rewards: every chain value read at `block`; `clock` is the contract's clock there. */
export type AccountRewards = {
  account: Address;
  block: number;
  clock: number;
  latestPostedEpoch: number | null;
  latestClaimableEpoch: number | null;
  pools: PoolRewards[];
};

/** One pool as the aggregator follows it (GET /v1/pools, GET /v1/pools/:poolId); fields as docs/api.md lists them. */
export type AggregatorPool = { poolId: Hex; token: Address; [field: string]: unknown };

export type PoolList = { pools: AggregatorPool[]; nextCursor: string | null };

/** The per-receipt result of POST /v1/receipts, in request order. */
export type ReceiptResult = {
  index?: number;
  status: "accepted" | "already_accepted" | "rejected";
  receiptId?: string | null;
  epoch?: number | string | null;
  errors?: { code: string; message?: string }[];
};

/** POST /v1/receipts, answered (200): `replayed` when the Idempotency-Key's first answer was replayed. */
export type PostReceiptsResult = {
  status: number;
  /** The exact answer text (the relay SDK stores it as it came). */
  text: string;
  idempotencyKey: string | null;
  results: ReceiptResult[];
  replayed: boolean;
};

/** The verifier's audit of one post (GET /v1/epochs, GET /v1/epochs/:epoch on the verifier). */
export type VerifierAudit = {
  epoch: string;
  post: { id: string; root: Hex; bundleHash: Hex; rejectedByChallenge: string | null } | null;
  audit: {
    status: string;
    fault: string | null;
    findings: { code: string; message: string; count: number }[];
    evidenceHash: Hex | null;
    evidenceURI: string | null;
    challenge: { status: string; challengeId: string | null; onChain: string | null } | null;
  } | null;
};

export type AuditList = { posts: VerifierAudit[]; nextCursor: string | null };

/** A claim the verifier relays (POST /v1/claims, GET /v1/claims/:id); `status` pending → paid | failed. */
export type RelayedClaimView = {
  id: string;
  status: string;
  error?: { code: string; message: string } | null;
  [field: string]: unknown;
};

/** A dispute (POST /v1/disputes, GET /v1/disputes/:id). */
export type DisputeView = { id: string; status: string; [field: string]: unknown };

/** One leaf of GET /v1/epochs/:epoch/leaves: the leaf as protocol JSON and its hash. */
export type EpochLeafEntry = RewardLeafJson & { leafHash: Hex };

/** One page of GET /v1/epochs/:epoch/leaves (bundle order: poolId, account); the cursor pins `bundleHash`. */
export type EpochLeafList = {
  epoch: number;
  attempt: number;
  state: string;
  root: Hex;
  bundleHash: Hex;
  leafCount: number | null;
  leaves: EpochLeafEntry[];
  nextCursor: string | null;
};
