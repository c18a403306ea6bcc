import type { Logger } from "pino";
import { decodeEventLog, encodeFunctionData, type TransactionReceipt } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getEvidenceHash } from "../../contracts/getEvidenceHash.ts";
import { getRevertName as getRevertErrorName } from "../../contracts/getRevertName.ts";
import { auditBundle, type BundleAudit } from "../../protocol/audit/auditBundle.ts";
import { createFindingCollector } from "../../protocol/audit/createFindingCollector.ts";
import type { Finding } from "../../protocol/audit/types.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import type { Address, Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import { getUniquenessKey } from "../../protocol/validation/getUniquenessKey.ts";
import type { BundleCache } from "../bundle/createBundleCache.ts";
import { fetchBundle } from "../bundle/fetchBundle.ts";
import type { ChainFacts, PostedEpoch, VerifierPublicClient } from "../chain/types.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import { buildEvidence } from "../evidence/buildEvidence.ts";
import type { VerifierMetrics } from "../metrics/createVerifierMetrics.ts";
import { type AuditRow, createAuditStore, type TicketUsage } from "../storage/createAuditStore.ts";
import { createPostStore, type PostRow } from "../storage/createPostStore.ts";
import { createTxStore } from "../storage/createTxStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";
import { rowToPost } from "../storage/rowToPost.ts";
import type { TxOutcome, TxSender } from "../tx/createTxSender.ts";
import { loadCarryFromStore } from "./loadCarryFromStore.ts";

export type AuditorOptions = {
  store: VerifierStore;
  client: VerifierPublicClient;
  facts: ChainFacts;
  verifier: ReceiptVerifier;
  keccak: Keccak256;
  bundles: BundleCache;
  /** Sends challenges; without it the auditor only audits. */
  txSender?: TxSender;
  /** Base URL evidence is served from: evidenceURI = `${publicUrl()}/v1/evidence/<hash>`. */
  publicUrl: () => string;
  /** Seconds after a post (chain time, or wall time since the first attempt) the bundle may stay unavailable. */
  bundleDeadlineSeconds: bigint;
  fetch?: { timeoutMs?: number; maxBytes?: number; allowFile?: boolean };
  /** Attempts at a challenge transaction before giving up (while the window is open). */
  maxChallengeAttempts?: number;
  metrics?: VerifierMetrics;
  logger?: Logger;
};

/**
 * The audit loop. Each tick audits, oldest first, every followed post not audited yet: fetches its bundle (from the
 * local cache, else bundleURI), checks it against the chain and recomputes it (auditBundle), records the result, the
 * ticket usage later epochs need and, for a faulty epoch, an evidence document; then challenges every faulty epoch
 * still inside its window that nobody is challenging. A bundle that cannot be fetched, or does not match its hash,
 * is retried until `bundleDeadlineSeconds` after the post before it becomes a finding. Chain or network errors never
 * become findings: the audit is retried on the next tick.
 */
export function createAuditor(options: AuditorOptions) {
  const { store, client, facts, bundles, txSender, logger, metrics } = options;
  const audits = createAuditStore(store);
  const posts = createPostStore(store);
  const txs = createTxStore(store);
  const maxChallengeAttempts = options.maxChallengeAttempts ?? 5;
  const challengeAttempts = new Map<string, number>();

  const getAudit = (postId: string) => audits.getAudit(postId);
  const updateAudit = (postId: string, fields: Partial<Omit<AuditRow, "post_id">>) =>
    audits.updateAudit(postId, fields);

  const evidenceUri = (hash: Hex) => `${options.publicUrl().replace(/\/+$/, "")}/v1/evidence/${hash}`;

  /** Stores evidence and marks the post faulty with it (a later finding never replaces an earlier one). */
  async function recordFaulty(
    post: PostedEpoch,
    findings: Finding[],
    recomputation: Record<string, unknown> | null,
    omitted?: Record<string, unknown>,
  ): Promise<Hex> {
    const evidence = buildEvidence({
      chainId: facts.chainId,
      distributor: facts.distributor,
      post,
      findings,
      recomputation,
      ...(omitted ? { omitted } : {}),
      challenger: txSender?.account ?? ("0x0000000000000000000000000000000000000000" as Address),
    });
    await audits.transaction(async () => {
      await audits.insertEvidence({
        hash: evidence.hash,
        postId: post.id,
        epoch: Number(post.epoch),
        fault: evidence.document.fault,
        bytes: evidence.bytes,
        createdAt: Date.now(),
      });
      await updateAudit(post.id, {
        status: "faulty",
        fault: evidence.document.fault,
        findings: JSON.stringify(findings.map((f) => ({ code: f.code, message: f.message, count: f.count }))),
        evidence_hash: evidence.hash,
        challenge_status: options.txSender ? "pending" : "disabled",
        last_error: null,
      });
    });
    metrics?.findings.inc({ fault: evidence.document.fault });
    metrics?.audits.inc({ result: "faulty" });
    logger?.warn(
      { epoch: post.epoch.toString(), post: post.id, fault: evidence.document.fault, evidenceHash: evidence.hash },
      "epoch is faulty",
    );
    return evidence.hash;
  }

  async function obtainBundle(
    post: PostedEpoch,
  ): Promise<{ bytes: Uint8Array } | { error: string; mismatch?: { computed: Hex; bytes: number } }> {
    const cached = bundles.get(post.bundleHash);
    if (cached) return { bytes: cached };
    let bytes: Uint8Array;
    try {
      bytes = await fetchBundle(post.bundleURI, options.fetch);
    } catch (err) {
      if (!(err instanceof VerifierError)) throw err;
      metrics?.bundleFetchFailures.inc();
      return { error: err.shortMessage };
    }
    const computed = `0x${Buffer.from(options.keccak(bytes)).toString("hex")}` as Hex;
    if (computed !== post.bundleHash.toLowerCase()) {
      metrics?.bundleFetchFailures.inc();
      return {
        error: `the bytes served hash to ${computed}, not to the posted ${post.bundleHash}`,
        mismatch: { computed, bytes: bytes.length },
      };
    }
    bundles.put(post.bundleHash, bytes);
    return { bytes };
  }

  async function auditPost(row: PostRow, chainNow: bigint): Promise<void> {
    const post = rowToPost(row);
    const now = Date.now();
    let audit = await getAudit(post.id);
    if (!audit) {
      await audits.insertPendingAudit(post.id, Number(post.epoch), now);
      audit = (await getAudit(post.id))!;
    }
    await updateAudit(post.id, { attempts: audit.attempts + 1 });
    const started = performance.now();

    const got = await obtainBundle(post);
    if ("error" in got) {
      const waited = BigInt(Math.floor((now - (audit.first_attempt_at ?? now)) / 1000));
      const deadline =
        chainNow >= post.postedAt + options.bundleDeadlineSeconds || waited >= options.bundleDeadlineSeconds;
      if (!deadline) {
        await updateAudit(post.id, { status: "pending", last_error: got.error });
        logger?.info({ epoch: post.epoch.toString(), error: got.error }, "bundle not available yet; will retry");
        return;
      }
      const findings = createFindingCollector();
      if (got.mismatch)
        findings.add(
          "BUNDLE_HASH_MISMATCH",
          "The bundle served at bundleURI does not hash to the bundleHash posted on chain.",
          {
            bundleURI: post.bundleURI,
            posted: post.bundleHash,
            computed: got.mismatch.computed,
            bytes: got.mismatch.bytes,
          },
        );
      else
        findings.add("BUNDLE_UNAVAILABLE", "The bundle could not be fetched from its bundleURI.", {
          bundleURI: post.bundleURI,
          reason: got.error,
          attempts: audit.attempts + 1,
          firstAttempt: new Date(audit.first_attempt_at ?? now).toISOString(),
          lastAttempt: new Date(now).toISOString(),
        });
      await recordFaulty(post, findings.list(), null);
      return;
    }

    // The previous epoch's post this one was built on, and its leaves.
    let previous: { bundleHash: Hex; leaves: readonly RewardLeaf[] } | null = null;
    if (post.epoch > 0n) {
      const prevRow = await posts.getPreviousPost(post);
      if (!prevRow) {
        await updateAudit(post.id, {
          status: "blocked",
          last_error: `epoch ${post.epoch - 1n} was never seen posted before this post (is chain.fromBlock after it?)`,
        });
        return;
      }
      let prevBundle;
      try {
        prevBundle = bundles.parsed(prevRow.bundle_hash as Hex);
      } catch {
        prevBundle = undefined;
      }
      if (!prevBundle) {
        await updateAudit(post.id, {
          status: "blocked",
          last_error:
            `the bundle of epoch ${post.epoch - 1n} (post ${prevRow.id}) is not available: cumulative ` +
            `amounts cannot be checked until it is, or until that epoch is rejected`,
        });
        return;
      }
      previous = { bundleHash: prevRow.bundle_hash as Hex, leaves: prevBundle.leaves };
    }

    const result: BundleAudit = await auditBundle({
      post,
      bytes: got.bytes,
      previous,
      loadCarry: async (tickets) =>
        loadCarryFromStore({ store, post, tickets, epochParams: facts.epochParams, verifier: options.verifier }),
      facts,
      verifier: options.verifier,
      keccak: options.keccak,
    });
    metrics?.auditSeconds.observe((performance.now() - started) / 1000);
    if (result.missingEpochs.length > 0)
      logger?.warn(
        { epoch: post.epoch.toString(), missing: result.missingEpochs.map(String) },
        "cross-epoch ticket checks incomplete: earlier bundles not audited",
      );

    // Ticket usage for later epochs: only what this epoch validly credited.
    const rec = result.recomputation;
    await audits.transaction(async () => {
      const usage = new Map<string, TicketUsage>();
      for (const a of rec?.accepted ?? []) {
        const u = usage.get(a.ticketHash) ?? { bytes: 0n, keys: [] };
        u.bytes += BigInt(a.signed.receipt.size);
        u.keys.push(getUniquenessKey(a.signed.receipt));
        usage.set(a.ticketHash, u);
      }
      await audits.replaceTicketUsage(post.id, Number(post.epoch), usage);
      await updateAudit(post.id, { recomputed_root: rec?.root ?? null });
    });

    if (result.findings.length === 0) {
      await updateAudit(post.id, {
        status: "ok",
        fault: null,
        findings: "[]",
        last_error: null,
        challenge_status: "not_needed",
      });
      metrics?.audits.inc({ result: "ok" });
      logger?.info(
        { epoch: post.epoch.toString(), post: post.id, receipts: rec?.accepted.length, leaves: rec?.leaves.length },
        "epoch audited: honest",
      );
      return;
    }
    await recordFaulty(post, result.findings, summarizeRecomputation(result));
  }

  function summarizeRecomputation(r: BundleAudit): Record<string, unknown> | null {
    if (!r.recomputation) return null;
    return {
      bundleHash: r.computedHash,
      snapshotBlock: r.snapshotBlock,
      root: r.recomputation.root,
      bundleLeavesRoot: r.bundleRoot,
      poolTotals: r.recomputation.poolTotals,
      pools: r.recomputation.pools,
      receipts: {
        inBundle: r.bundle?.receipts.length ?? 0,
        accepted: r.recomputation.accepted.length,
        rejected: r.recomputation.rejected.length,
      },
      leafCount: r.recomputation.leaves.length,
      differingLeaves: r.differingLeaves.slice(0, 100),
      differingLeafCount: r.differingLeaves.length,
      crossEpochChecksIncomplete: r.missingEpochs,
    };
  }

  /** Challenges one faulty epoch if it still can and should be. */
  async function challengeStep(audit: AuditRow): Promise<void> {
    const row = await posts.getPost(audit.post_id);
    if (!row) return;
    if (row.rejected_by !== null) return updateAudit(audit.post_id, { challenge_status: "not_needed" });
    if (!txSender) return updateAudit(audit.post_id, { challenge_status: "disabled" });
    const post = rowToPost(row);
    const [info, clock] = await Promise.all([
      client.readContract({
        address: facts.distributor,
        abi: distributorAbi,
        functionName: "epochInfo",
        args: [post.epoch],
      }),
      client.readContract({ address: facts.distributor, abi: distributorAbi, functionName: "clock" }),
    ]);
    if (/^0x0{64}$/.test(info.root) && info.posted) return updateAudit(audit.post_id, { challenge_status: "missed" }); // long final
    // The post this audit is about is no longer the epoch's current post (rejected, or re-posted): nothing to do.
    if (info.posted && info.dataHash.toLowerCase() !== post.dataHash.toLowerCase().slice(0, 56))
      return updateAudit(audit.post_id, { challenge_status: "not_needed" });
    // Any number of challenges may be open on one post, and only one whose evidence is bound to its own challenger
    // is rewarded: someone else's challenge never covers ours (a squatter must not be able to block it).
    const windowEnd = info.postedAt > 0n ? info.claimableAt : post.postedAt + facts.config.challengeWindow;
    if (info.claimable || clock >= windowEnd) {
      if (audit.challenge_status !== "missed") {
        logger?.error(
          { epoch: post.epoch.toString(), post: post.id, fault: audit.fault },
          "faulty epoch is past its challenge window: cannot challenge",
        );
        metrics?.challenges.inc({ outcome: "missed" });
      }
      return updateAudit(audit.post_id, { challenge_status: "missed" });
    }
    const attempts = (challengeAttempts.get(audit.post_id) ?? 0) + 1;
    if (attempts > maxChallengeAttempts) return;
    challengeAttempts.set(audit.post_id, attempts);
    // The document is served under its own hash; the chain gets it bound to this challenger.
    const documentHash = audit.evidence_hash! as Hex;
    const data = encodeFunctionData({
      abi: distributorAbi,
      functionName: "challenge",
      args: [post.epoch, getEvidenceHash(txSender.account, documentHash), evidenceUri(documentHash)],
    });
    const value = facts.config.challengerBond;
    let gas: bigint;
    try {
      gas = await client.estimateGas({ account: txSender.account, to: facts.distributor, data, value });
    } catch (err) {
      const name = getRevertErrorName(err) ?? (err as Error).message.slice(0, 200);
      logger?.warn({ epoch: post.epoch.toString(), error: name }, "challenge would revert; will retry");
      return updateAudit(audit.post_id, { challenge_status: "failed", last_error: `challenge simulation: ${name}` });
    }
    const gasPrice = await client.getGasPrice();
    await txSender.send({
      kind: "challenge",
      ref: audit.post_id,
      to: facts.distributor,
      data,
      value,
      gas: (gas * 5n) / 4n,
      gasPrice,
      record: (txId) => updateAudit(audit.post_id, { challenge_status: "submitted", challenge_tx_id: txId }),
    });
    metrics?.challenges.inc({ outcome: "submitted" });
  }

  /**
   * Closes a challenge of ours that can no longer be decided: the arbiter left it past arbiterTimeout (Expired: the
   * bond comes back and the epoch stands; once the follower sees it, the tick sends the audit back to the challenge
   * step, which finds the window over or challenges again), or
   * its post was rejected by another decision (Voided: refunded). Anyone may call resolveExpiredChallenge; the
   * verifier does it so its bond never stays locked.
   */
  async function expireStep(audit: AuditRow): Promise<void> {
    if (!txSender || audit.challenge_id === null) return;
    const [c, clock] = await Promise.all([
      client.readContract({
        address: facts.distributor,
        abi: distributorAbi,
        functionName: "challengeInfo",
        args: [BigInt(audit.challenge_id)],
      }),
      client.readContract({ address: facts.distributor, abi: distributorAbi, functionName: "clock" }),
    ]);
    if (c.status !== 1) return;
    const rejected = (await posts.getPost(audit.post_id))?.rejected_by !== null;
    if (!rejected && clock < BigInt(c.openedAt) + facts.config.arbiterTimeout) return;
    // One resolution per challenge: a post challenged again after an expiry has another challenge to close.
    const ref = `challenge:${audit.challenge_id}`;
    if (await txs.hasLive("expire", ref)) return;
    const data = encodeFunctionData({
      abi: distributorAbi,
      functionName: "resolveExpiredChallenge",
      args: [BigInt(audit.challenge_id)],
    });
    let gas: bigint;
    try {
      gas = await client.estimateGas({ account: txSender.account, to: facts.distributor, data });
    } catch (err) {
      logger?.warn(
        { challengeId: audit.challenge_id, error: getRevertErrorName(err) ?? (err as Error).message.slice(0, 200) },
        "cannot resolve the expired challenge yet",
      );
      return;
    }
    await txSender.send({
      kind: "expire",
      ref,
      to: facts.distributor,
      data,
      gas: (gas * 5n) / 4n,
      gasPrice: await client.getGasPrice(),
    });
    logger?.warn(
      { challengeId: audit.challenge_id, epoch: audit.epoch, voided: rejected },
      rejected
        ? "our challenge's post was rejected by another decision: closing it as void (bond refunded)"
        : "the arbiter did not resolve our challenge in time: closing it as expired (bond refunded)",
    );
  }

  async function onChallengeTx(outcome: TxOutcome): Promise<void> {
    const postId = outcome.tx.ref;
    if (outcome.status === "mined") {
      const opened = findChallengeOpened(outcome.receipt);
      await updateAudit(postId, {
        challenge_status: "opened",
        ...(opened === undefined ? {} : { challenge_id: Number(opened) }),
      });
      metrics?.challenges.inc({ outcome: "opened" });
      logger?.warn({ post: postId, challengeId: opened?.toString(), tx: outcome.tx.hash }, "challenge opened");
    } else {
      await updateAudit(postId, { challenge_status: "failed", last_error: `challenge transaction ${outcome.status}` });
      metrics?.challenges.inc({ outcome: "failed" });
    }
  }

  function findChallengeOpened(receipt: TransactionReceipt): bigint | undefined {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== facts.distributor) continue;
      try {
        const ev = decodeEventLog({ abi: distributorAbi, data: log.data, topics: log.topics });
        if (ev.eventName === "ChallengeOpened") return ev.args.challengeId;
      } catch {
        // another event
      }
    }
    return undefined;
  }

  txSender?.onOutcome("challenge", onChallengeTx);
  txSender?.onOutcome("expire", (o) => {
    logger?.info({ challenge: o.tx.ref, status: o.status, tx: o.tx.hash }, "expired-challenge resolution settled");
  });

  return {
    /** One round: audit what is new, then challenge what is faulty. */
    async tick(): Promise<void> {
      const latest = await client.getBlock({ blockTag: "latest" });
      const chainNow = latest.timestamp;
      const rows = await audits.listPostsToAudit();
      for (const row of rows) {
        if (row.rejected_by !== null) {
          await audits.markRejected(row.id, row.epoch, Date.now());
          continue;
        }
        try {
          await auditPost(row, chainNow);
        } catch (err) {
          logger?.error({ err, epoch: row.epoch, post: row.id }, "audit failed (will retry)");
          metrics?.loopErrors.inc({ loop: "audit" });
          if (await getAudit(row.id))
            await updateAudit(row.id, {
              status: "error",
              last_error: String((err as Error).message ?? err).slice(0, 500),
            });
        }
      }
      // An expiry rejects nothing: the faulty post stands, so it is challenged again while its window is open (the
      // challenge step finds it missed once the window is over).
      for (const audit of await audits.listExpiredChallenges()) {
        logger?.warn(
          { epoch: audit.epoch, post: audit.post_id, challengeId: audit.challenge_id },
          "our challenge expired unanswered and the faulty post stands: challenging it again if its window allows",
        );
        await updateAudit(audit.post_id, { challenge_status: "pending" });
      }
      const faulty = await audits.listAuditsToChallenge();
      for (const audit of faulty) {
        try {
          await challengeStep(audit);
        } catch (err) {
          logger?.error({ err, post: audit.post_id }, "challenge step failed (will retry)");
          metrics?.loopErrors.inc({ loop: "challenge" });
        }
      }
      const opened = await audits.listOpenedChallenges();
      for (const audit of opened) {
        try {
          await expireStep(audit);
        } catch (err) {
          logger?.error({ err, post: audit.post_id }, "expired-challenge step failed (will retry)");
          metrics?.loopErrors.inc({ loop: "challenge" });
        }
      }
    },
    getAudit,
    /** The audit of the live post of `epoch` (or of its latest post). */
    async getEpochAudit(epoch: bigint): Promise<{ post: PostRow; audit: AuditRow | undefined } | undefined> {
      const post = await posts.getLatestPost(epoch);
      return post ? { post, audit: await getAudit(post.id) } : undefined;
    },
    recordFaulty,
    evidenceUri,
  };
}

export type Auditor = ReturnType<typeof createAuditor>;
