import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import { createFindingCollector } from "../../protocol/audit/createFindingCollector.ts";
import { recomputeEpoch } from "../../protocol/audit/recomputeEpoch.ts";
import type { TicketMap } from "../../protocol/audit/types.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import { getEpoch } from "../../protocol/epoch/getEpoch.ts";
import type { Hex, Keccak256, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../protocol/wire/signedViewerTicketToJson.ts";
import type { Auditor } from "../audit/createAuditor.ts";
import { loadCarryFromStore } from "../audit/loadCarryFromStore.ts";
import type { BundleCache } from "../bundle/createBundleCache.ts";
import type { ChainFacts, VerifierPublicClient } from "../chain/types.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import type { VerifierMetrics } from "../metrics/createVerifierMetrics.ts";
import { createDisputeStore, type DisputeRow } from "../storage/createDisputeStore.ts";
import { createPostStore } from "../storage/createPostStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";
import { rowToPost } from "../storage/rowToPost.ts";

export const MAX_DISPUTE_RECEIPTS = 5_000;
export const MAX_DISPUTE_TICKETS = 1_000;

type ReceiptOutcome = {
  index: number;
  receiptId: Hex | null;
  status: "included" | "omitted" | "invalid" | "duplicate";
  errors?: { code: string; message: string }[];
};

/** Decoded dispute request. */
type DisputeRequest = {
  epoch: bigint;
  relay: Hex | null;
  tickets: SignedViewerTicket[];
  receipts: SignedChunkReceipt[];
  /** From a relay evidence export: what the aggregator answered for each receipt, by receiptId. */
  answers?: Map<string, unknown>;
};

/**
 * Disputes: a relay submits receipts it holds for an epoch (POST /v1/disputes, the body of the aggregator's
 * POST /v1/receipts plus an optional epoch). Once the epoch is posted and audited, each receipt is checked the way
 * the audit checks the bundle's, after every receipt the bundle credits: a valid receipt of that epoch that the
 * bundle does not hold, whose chunk nobody was credited for and which fits its ticket's maxBytes, is "omitted". If
 * any is, the root would change: the epoch is marked faulty with RECEIPTS_OMITTED evidence and the auditor
 * challenges it (unless it is already being challenged, then the dispute is "covered").
 */
export function createDisputeDesk(options: {
  store: VerifierStore;
  client: VerifierPublicClient;
  facts: ChainFacts;
  verifier: ReceiptVerifier;
  keccak: Keccak256;
  bundles: BundleCache;
  auditor: Auditor;
  metrics?: VerifierMetrics;
  logger?: Logger;
}) {
  const { store, facts, bundles, auditor, logger, metrics } = options;
  const disputes = createDisputeStore(store);
  const posts = createPostStore(store);
  const getRow = (id: string) => disputes.getDispute(id);
  const update = (id: string, fields: Partial<DisputeRow>) => disputes.updateDispute(id, fields);

  /**
   * The relay SDK's evidence export (`meshpay-relay-evidence/1`) becomes a plain dispute: its signed receipts (of
   * `epochFilter` when given) and tickets, and what the aggregator answered for each receipt (kept for the arbiter).
   */
  function fromRelayEvidence(
    doc: Record<string, unknown>,
    epochFilter: bigint | undefined,
  ): { body: Record<string, unknown>; answers: Map<string, unknown> } {
    if (!Array.isArray(doc.receipts) || !Array.isArray(doc.tickets))
      throw invalid("(root)", "a meshpay-relay-evidence/1 document needs receipts[] and tickets[]");
    const answers = new Map<string, unknown>();
    const receipts: unknown[] = [];
    for (const [i, r] of (doc.receipts as Record<string, unknown>[]).entries()) {
      if (typeof r !== "object" || r === null || !("signed" in r))
        throw invalid(`receipts[${i}]`, "each evidence receipt needs its signed receipt");
      const signed = decodeItem(() => signedChunkReceiptFromJson(r.signed), `receipts[${i}].signed`);
      if (epochFilter !== undefined && getEpoch(facts.epochParams, signed.receipt.deliveredAt) !== epochFilter)
        continue;
      receipts.push(r.signed);
      if (typeof r.receiptId === "string")
        answers.set(r.receiptId.toLowerCase(), {
          status: r.status ?? null,
          result: r.result ?? null,
          epoch: r.epoch ?? null,
        });
    }
    const tickets = (doc.tickets as Record<string, unknown>[]).map((t) =>
      t && typeof t === "object" && "signed" in t ? t.signed : t,
    );
    return {
      body: {
        ...(typeof doc.relay === "string" ? { relay: doc.relay } : {}),
        tickets,
        receipts,
        ...(epochFilter === undefined ? {} : { epoch: epochFilter.toString() }),
      },
      answers,
    };
  }

  function decodeRequest(input: unknown, epochFilter?: bigint): DisputeRequest {
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw invalid("(root)", "the body must be a JSON object");
    let body = input as Record<string, unknown>;
    let answers: Map<string, unknown> | undefined;
    if (body.format === "meshpay-relay-evidence/1") ({ body, answers } = fromRelayEvidence(body, epochFilter));
    const b = body;
    for (const key of Object.keys(b))
      if (!["epoch", "relay", "tickets", "receipts"].includes(key)) throw invalid(key, `${key} is not a known field`);
    if (!Array.isArray(b.receipts)) throw invalid("receipts", "receipts must be an array");
    if (b.tickets !== undefined && !Array.isArray(b.tickets)) throw invalid("tickets", "tickets must be an array");
    const rawTickets = (b.tickets as unknown[] | undefined) ?? [];
    if (b.receipts.length === 0) throw new VerifierError("DISPUTE_EMPTY", "A dispute needs at least one receipt.");
    if (b.receipts.length > MAX_DISPUTE_RECEIPTS || rawTickets.length > MAX_DISPUTE_TICKETS)
      throw invalid(
        "receipts",
        `at most ${MAX_DISPUTE_RECEIPTS} receipts and ${MAX_DISPUTE_TICKETS} tickets per dispute`,
      );
    let relay: Hex | null = null;
    if (b.relay !== undefined) {
      if (typeof b.relay !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(b.relay))
        throw invalid("relay", "relay must be a 0x-hex address");
      relay = b.relay.toLowerCase() as Hex;
    }
    const tickets = rawTickets.map((t, i) => decodeItem(() => signedViewerTicketFromJson(t), `tickets[${i}]`));
    const receipts = b.receipts.map((r, i) => decodeItem(() => signedChunkReceiptFromJson(r), `receipts[${i}]`));
    if (relay)
      receipts.forEach((r, i) => {
        if (r.receipt.relay !== relay)
          throw invalid(`receipts[${i}].receipt.relay`, "every receipt's relay must be the dispute's relay");
      });
    const epochs = new Set<bigint>();
    receipts.forEach((r, i) => {
      if (r.receipt.deliveredAt < facts.epochParams.genesisTime * 1000n)
        throw invalid(`receipts[${i}].receipt.deliveredAt`, "deliveredAt is before genesis");
      epochs.add(getEpoch(facts.epochParams, r.receipt.deliveredAt));
    });
    if (epochs.size > 1)
      throw new VerifierError(
        "DISPUTE_MIXED_EPOCHS",
        `The receipts belong to ${epochs.size} epochs (${[...epochs].join(", ")}); send one dispute per epoch.`,
        { data: { epochs: [...epochs].map(String) } },
      );
    const epoch = [...epochs][0]!;
    if (b.epoch !== undefined) {
      const given =
        typeof b.epoch === "number" || (typeof b.epoch === "string" && /^(0|[1-9][0-9]*)$/.test(b.epoch))
          ? BigInt(b.epoch)
          : undefined;
      if (given === undefined) throw invalid("epoch", "epoch must be a non-negative integer");
      if (given !== epoch)
        throw new VerifierError(
          "DISPUTE_MIXED_EPOCHS",
          `The receipts were delivered in epoch ${epoch}, not in epoch ${given}.`,
          { data: { epochs: [epoch.toString()] } },
        );
    }
    return { epoch, relay, tickets, receipts, ...(answers ? { answers } : {}) };
  }

  async function processDispute(id: string): Promise<void> {
    const row = (await getRow(id))!;
    const req = decodeStored(row.request);
    const postRow = await posts.getActivePost(req.epoch);
    if (!postRow)
      return update(id, {
        status: "waiting",
        result: JSON.stringify({
          reason: { code: "WAITING_FOR_POST", message: `Epoch ${req.epoch} has not been posted yet.` },
        }),
      });
    const post = rowToPost(postRow);
    const latest = await options.client.getBlock({ blockTag: "latest" });
    // The window as the chain records it (a dismissed challenge restarts it).
    const info = await options.client.readContract({
      address: facts.distributor,
      abi: rewardDistributorAbi,
      functionName: "epochInfo",
      args: [post.epoch],
    });
    const windowEnd = (info.postedAt > 0n ? info.postedAt : post.postedAt) + facts.config.challengeWindow;
    if (info.claimable || latest.timestamp >= windowEnd)
      return finish(
        id,
        "rejected",
        {
          reason: {
            code: "DISPUTE_WINDOW_CLOSED",
            message: `Epoch ${req.epoch}'s challenge window closed at ${windowEnd} (unix s).`,
          },
        },
        post.id,
      );
    const audit = await auditor.getAudit(post.id);
    if (!audit || !["ok", "faulty"].includes(audit.status) || !bundles.has(post.bundleHash))
      return update(id, {
        status: "waiting",
        post_id: post.id,
        result: JSON.stringify({
          reason: { code: "WAITING_FOR_AUDIT", message: `Epoch ${req.epoch}'s bundle has not been audited yet.` },
        }),
      });
    const bundle = bundles.parsed(post.bundleHash)!;

    const tickets: TicketMap = new Map();
    for (const t of bundle.tickets) tickets.set(t.ticketHash, t.signed);
    for (const t of req.tickets)
      tickets.set(`0x${Buffer.from(options.verifier.ticketHash(t.ticket)).toString("hex")}`, t);
    const inBundle = new Set(bundle.receipts.map((r) => r.receiptId));
    const ids = req.receipts.map(
      (r) => `0x${Buffer.from(options.verifier.receiptDigest(r.receipt)).toString("hex")}` as Hex,
    );
    let previousLeaves: readonly RewardLeaf[] = [];
    if (post.epoch > 0n) {
      const prev = await posts.getPreviousPost(post);
      const prevBundle = prev ? bundles.parsed(prev.bundle_hash as Hex) : undefined;
      if (!prevBundle)
        return update(id, {
          status: "waiting",
          post_id: post.id,
          result: JSON.stringify({
            reason: { code: "WAITING_FOR_AUDIT", message: `The previous epoch's bundle is not available yet.` },
          }),
        });
      previousLeaves = prevBundle.leaves;
    }
    const h = bundle.header;
    const snapshotTime = h.snapshotBlock < post.blockNumber ? await facts.blockTimestamp(h.snapshotBlock) : undefined;
    const closesAt =
      facts.config.genesisTime + (post.epoch + 1n) * facts.config.epochSeconds + facts.config.graceSeconds;
    const snapshotBlock =
      snapshotTime !== undefined && snapshotTime >= closesAt ? h.snapshotBlock : post.blockNumber - 1n;
    const candidates = req.receipts
      .map((signed, index) => ({ signed, index }))
      .filter((_, i) => !inBundle.has(ids[i]!));
    const carry = await loadCarryFromStore({
      store,
      post,
      tickets: [...tickets.values()],
      epochParams: facts.epochParams,
      verifier: options.verifier,
    });
    const rec = await recomputeEpoch({
      epoch: post.epoch,
      receipts: [
        ...bundle.receipts.map((r) => ({ signed: r.signed, source: "bundle" as const, line: r.line })),
        ...candidates.map((c) => ({ signed: c.signed, source: "dispute" as const, line: c.index })),
      ],
      tickets,
      carry,
      facts,
      postBlock: post.blockNumber,
      snapshotBlock,
      ...(post.released ? { released: post.released } : {}),
      previousLeaves,
      verifier: options.verifier,
      keccak: options.keccak,
    });
    const outcomes: ReceiptOutcome[] = req.receipts.map((_, index) => ({
      index,
      receiptId: ids[index]!,
      status: "included",
    }));
    const omitted = rec.accepted.filter((a) => a.source === "dispute");
    for (const a of omitted) {
      const index = candidates.find((c) => c.signed === a.signed)!.index;
      outcomes[index] = { index, receiptId: a.receiptId, status: "omitted" };
    }
    for (const r of rec.rejected.filter((x) => x.source === "dispute")) {
      const index = r.line!;
      outcomes[index] = { index, receiptId: r.receiptId, status: r.kind, errors: r.errors };
    }
    const summary = {
      receipts: outcomes,
      omittedCount: omitted.length,
      recomputedRoot: rec.root,
      postedRoot: post.root,
    };
    if (omitted.length === 0 || rec.root === post.root.toLowerCase())
      return finish(
        id,
        "rejected",
        {
          ...summary,
          reason: {
            code: "DISPUTE_NOTHING_OMITTED",
            message: "No submitted receipt is a valid receipt of this epoch missing from its bundle.",
          },
        },
        post.id,
      );

    if (audit.status === "faulty") {
      // Already being challenged (or found faulty) for another reason: that challenge covers this dispute.
      return finish(
        id,
        "covered",
        {
          ...summary,
          reason: {
            code: "EPOCH_ALREADY_FAULTY",
            message: `Epoch ${post.epoch} is already found faulty (${audit.fault}); its challenge covers this dispute.`,
          },
        },
        post.id,
        audit.evidence_hash,
      );
    }
    const findings = createFindingCollector();
    for (const a of omitted)
      findings.add(
        "RECEIPTS_OMITTED",
        "Valid receipts of this epoch that a relay holds are missing from the bundle: its totals and root are too low.",
        {
          receiptId: a.receiptId,
          relay: a.signed.receipt.relay,
          poolId: a.signed.receipt.poolId,
          size: a.signed.receipt.size,
          receipt: signedChunkReceiptToJson(a.signed),
        },
      );
    const key = (l: RewardLeaf) => `${l.poolId}:${l.account}`;
    const mine = new Map(rec.leaves.map((l) => [key(l), l]));
    const differing = bundle.leaves
      .filter((l) => {
        const m = mine.get(key(l));
        return (
          !m ||
          m.cumulativeAmount !== l.cumulativeAmount ||
          m.receiptsRoot !== l.receiptsRoot ||
          m.epochBytes !== l.epochBytes
        );
      })
      .map(({ line: _line, ...l }) => ({ bundle: l, recomputed: mine.get(key(l)) ?? null }));
    const bundleKeys = new Set(bundle.leaves.map(key));
    for (const l of rec.leaves) if (!bundleKeys.has(key(l))) differing.push({ bundle: null as never, recomputed: l });
    const usedTickets = new Set(omitted.map((a) => a.ticketHash));
    const evidenceHash = await auditor.recordFaulty(
      post,
      findings.list(),
      {
        root: rec.root,
        poolTotals: rec.poolTotals,
        pools: rec.pools,
        snapshotBlock,
        differingLeaves: differing.slice(0, 100),
        differingLeafCount: differing.length,
      },
      {
        disputeId: id,
        relay: req.relay,
        tickets: [...usedTickets].map((h) => signedViewerTicketToJson(tickets.get(h)!)),
        receipts: omitted.map((a) => signedChunkReceiptToJson(a.signed)),
        ...(req.answers
          ? {
              aggregatorAnswers: Object.fromEntries(
                omitted.map((a) => [a.receiptId, req.answers!.get(a.receiptId) ?? null]),
              ),
            }
          : {}),
      },
    );
    await finish(id, "challenge_pending", summary, post.id, evidenceHash);
    logger?.warn(
      { dispute: id, epoch: post.epoch.toString(), omitted: omitted.length },
      "dispute: receipts omitted from the epoch; challenging",
    );
  }

  async function finish(
    id: string,
    status: string,
    result: unknown,
    postId: string,
    evidenceHash?: Hex | null,
  ): Promise<void> {
    await update(id, { status, result: JSON.stringify(result), post_id: postId, evidence_hash: evidenceHash ?? null });
    metrics?.disputes.inc({ status });
  }

  function decodeStored(request: string): DisputeRequest {
    const r = JSON.parse(request) as {
      epoch: string;
      relay: Hex | null;
      tickets: unknown[];
      receipts: unknown[];
      answers?: Record<string, unknown>;
    };
    return {
      epoch: BigInt(r.epoch),
      relay: r.relay,
      tickets: r.tickets.map((t) => signedViewerTicketFromJson(t)),
      receipts: r.receipts.map((x) => signedChunkReceiptFromJson(x)),
      ...(r.answers ? { answers: new Map(Object.entries(r.answers)) } : {}),
    };
  }

  /** The dispute as the API shows it; the challenge's fate comes from the audit and the chain. */
  async function view(id: string): Promise<Record<string, unknown> | undefined> {
    const row = await getRow(id);
    if (!row) return undefined;
    const result = row.result ? (JSON.parse(row.result) as Record<string, unknown>) : {};
    let status = row.status;
    let challenge: Record<string, unknown> | undefined;
    if ((status === "challenge_pending" || status === "covered") && row.post_id) {
      const audit = await auditor.getAudit(row.post_id);
      const c = audit?.challenge_id ? await posts.getChallenge(audit.challenge_id) : undefined;
      if (audit)
        challenge = {
          status: audit.challenge_status,
          id: audit.challenge_id,
          ...(c ? { onChain: c.status, txHash: c.tx_hash, challenger: c.challenger } : {}),
        };
      if (status === "challenge_pending" && audit?.challenge_status === "opened") status = "challenged";
      if (status === "challenge_pending" && audit?.challenge_status === "missed") status = "failed";
      if (c && c.status !== "open") status = c.status; // upheld, dismissed, expired, voided
    }
    return {
      id: row.id,
      epoch: String(row.epoch),
      relay: row.relay,
      status,
      ...result,
      ...(row.evidence_hash
        ? { evidenceHash: row.evidence_hash, evidenceURI: auditor.evidenceUri(row.evidence_hash) }
        : {}),
      ...(challenge ? { challenge } : {}),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  return {
    /** Validates and records a dispute, then evaluates it if it can be already. */
    async submit(body: unknown, options: { epoch?: bigint } = {}): Promise<Record<string, unknown>> {
      const req = decodeRequest(body, options.epoch);
      const id = `dsp_${randomUUID()}`;
      const now = Date.now();
      const stored = {
        epoch: req.epoch.toString(),
        relay: req.relay,
        tickets: req.tickets.map((t) => signedViewerTicketToJson(t)),
        receipts: req.receipts.map((r) => signedChunkReceiptToJson(r)),
        ...(req.answers ? { answers: Object.fromEntries(req.answers) } : {}),
      };
      await disputes.insertDispute({
        id,
        epoch: Number(req.epoch),
        relay: req.relay,
        request: JSON.stringify(stored),
        now,
      });
      logger?.info({ dispute: id, epoch: req.epoch.toString(), receipts: req.receipts.length }, "dispute received");
      try {
        await processDispute(id);
      } catch (err) {
        logger?.error({ err, dispute: id }, "dispute evaluation failed (will retry)");
        await update(id, { status: "waiting" });
      }
      return (await view(id))!;
    },
    view,
    /** Re-evaluates disputes that were waiting for a post or an audit. */
    async tick(): Promise<void> {
      for (const id of await disputes.listWaitingIds()) {
        try {
          await processDispute(id);
        } catch (err) {
          logger?.error({ err, dispute: id }, "dispute evaluation failed (will retry)");
          metrics?.loopErrors.inc({ loop: "disputes" });
        }
      }
    },
  };
}

function invalid(path: string, message: string): VerifierError<"REQUEST_INVALID"> {
  return new VerifierError("REQUEST_INVALID", `Invalid dispute: ${message}.`, { data: { path } });
}

function decodeItem<T>(fn: () => T, path: string): T {
  try {
    return fn();
  } catch (err) {
    const field = (err as { field?: string }).field;
    throw new VerifierError(
      "REQUEST_INVALID",
      `Invalid dispute: ${(err as { shortMessage?: string }).shortMessage ?? String(err)}`,
      {
        data: { path: field && field !== "(root)" ? `${path}.${field}` : path },
      },
    );
  }
}

export type DisputeDesk = ReturnType<typeof createDisputeDesk>;
