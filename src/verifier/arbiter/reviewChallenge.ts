import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { auditBundle, type BundleAudit } from "../../protocol/audit/auditBundle.ts";
import { createFindingCollector } from "../../protocol/audit/createFindingCollector.ts";
import { loadCarryFromBundles } from "../../protocol/audit/loadCarryFromBundles.ts";
import { recomputeEpoch } from "../../protocol/audit/recomputeEpoch.ts";
import type { Finding, TicketMap } from "../../protocol/audit/types.ts";
import { parseBundleBytes } from "../../protocol/bundle/parseBundleBytes.ts";
import type { Bundle } from "../../protocol/bundle/types.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../protocol/node/createNodeReceiptVerifier.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { type FetchBundleOptions, fetchBundle } from "../bundle/fetchBundle.ts";
import { createChainFacts } from "../chain/createChainFacts.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import { type ChallengeRecord, fetchChallengeEvidence } from "./fetchChallengeEvidence.ts";
import { getPostedEpochsFromLogs, type PostWithFate, postBefore } from "./getPostedEpochsFromLogs.ts";

export type ChallengeReview = {
  challenge: ChallengeRecord;
  status: "open" | "upheld" | "dismissed" | "expired" | "voided";
  /** The post the challenge is about. */
  post: PostWithFate;
  evidence: { available: boolean; hashMatches: boolean; fault: string | null; summary: string | null; error?: string };
  /** What this independent recomputation found; empty when the epoch checks out. */
  findings: Finding[];
  /** The fault codes of the evidence that this review confirms. */
  confirmed: string[];
  /**
   * uphold: the epoch is wrong and the challenge's evidence is bound to its own challenger (evidenceHash =
   * keccak256(abi.encode(challenger, keccak256(evidence)))); dismiss otherwise: nothing wrong was found, or the
   * evidence is missing, altered or bound to someone else (a copied or squatting challenge gains nothing; an honest
   * challenger opens its own challenge, any number may be open on one post).
   */
  verdict: "uphold" | "dismiss";
  recomputedRoot: Hex | null;
  /** True when the previous epoch's bundle could not be fetched: checks that depend on it were skipped. */
  incomplete: boolean;
};

const STATUS = ["none", "open", "upheld", "dismissed", "expired", "voided"] as const;
const INDEPENDENT_OF_PREVIOUS = new Set([
  "BUNDLE_UNAVAILABLE",
  "BUNDLE_HASH_MISMATCH",
  "BUNDLE_MALFORMED",
  "RECEIPT_INVALID",
  "RECEIPT_DUPLICATE",
]);

/**
 * An arbiter's review of a challenge, from the chain and the published data alone (nothing of the verifier
 * service's state): reads the challenge, fetches its evidence (and checks its hash), re-fetches the challenged
 * epoch's bundle and the previous one, audits it with the same rules (auditBundle), and, for RECEIPTS_OMITTED
 * evidence, re-validates the omitted receipts against the bundle. The verdict is "uphold" when this recomputation
 * finds the epoch wrong, "dismiss" otherwise. A bundle the arbiter cannot fetch now counts as unavailable.
 */
export async function reviewChallenge(args: {
  client: VerifierPublicClient;
  distributor: Address;
  challengeId: bigint;
  /** The distributor's deployment block. */
  fromBlock?: bigint;
  /** Most blocks one eth_getLogs query spans (hosted endpoints cap it; getLogsChunked's default otherwise). */
  logRange?: bigint;
  fetch?: FetchBundleOptions;
}): Promise<ChallengeReview> {
  const { client } = args;
  const distributor = args.distributor.toLowerCase() as Address;
  const fromBlock = args.fromBlock ?? 0n;
  const ev = await fetchChallengeEvidence({
    client,
    distributor,
    challengeId: args.challengeId,
    fromBlock,
    ...(args.logRange ? { logRange: args.logRange } : {}),
    ...(args.fetch ? { fetch: args.fetch } : {}),
  });
  const info = await client.readContract({
    address: distributor,
    abi: distributorAbi,
    functionName: "challengeInfo",
    args: [args.challengeId],
  });
  const logRange = args.logRange ? { logRange: args.logRange } : {};
  const posts = await getPostedEpochsFromLogs({ client, distributor, fromBlock, ...logRange });
  const post = postBefore(posts, ev.challenge.epoch, ev.challenge);
  if (!post) throw new Error(`Epoch ${ev.challenge.epoch} was not posted before challenge ${args.challengeId}.`);
  const keccak = await createFastKeccak256();
  const facts = await createChainFacts({ client, distributor, fromBlock, ...logRange });
  const verifier = await createNodeReceiptVerifier({
    domain: { chainId: facts.chainId, verifyingContract: distributor },
  });
  const bundleCache = new Map<string, Bundle | undefined>();
  const loadPostBundle = async (p: PostWithFate): Promise<Bundle | undefined> => {
    if (bundleCache.has(p.id)) return bundleCache.get(p.id);
    let bundle: Bundle | undefined;
    try {
      const bytes = await fetchBundle(p.bundleURI, args.fetch);
      if (`0x${Buffer.from(keccak(bytes)).toString("hex")}` === p.bundleHash) bundle = parseBundleBytes(bytes);
    } catch {
      bundle = undefined;
    }
    bundleCache.set(p.id, bundle);
    return bundle;
  };

  // The audit itself.
  let audit: BundleAudit | undefined;
  const findings = createFindingCollector();
  let bytes: Uint8Array | undefined;
  try {
    bytes = await fetchBundle(post.bundleURI, args.fetch);
  } catch (err) {
    findings.add("BUNDLE_UNAVAILABLE", "The bundle could not be fetched from its bundleURI.", {
      bundleURI: post.bundleURI,
      reason: (err as { shortMessage?: string }).shortMessage ?? String(err),
    });
  }
  let previous: { bundleHash: Hex; leaves: readonly RewardLeaf[] } | null = null;
  let previousMissing = false;
  if (post.epoch > 0n) {
    const prev = postBefore(posts, post.epoch - 1n, post);
    const prevBundle = prev ? await loadPostBundle(prev) : undefined;
    if (prev && prevBundle) previous = { bundleHash: prev.bundleHash, leaves: prevBundle.leaves };
    else previousMissing = true;
  }
  if (bytes) {
    audit = await auditBundle({
      post,
      bytes,
      previous: previous ?? (previousMissing ? { bundleHash: "0x" as Hex, leaves: [] } : null),
      loadCarry: (tickets) =>
        loadCarryFromBundles({
          epoch: post.epoch,
          tickets,
          epochParams: facts.epochParams,
          verifier,
          loadBundle: async (e) => {
            const p = postBefore(posts, e, post);
            return p ? loadPostBundle(p) : undefined;
          },
        }),
      facts,
      verifier,
      keccak,
    });
    for (const f of audit.findings) {
      // Without the previous bundle, only the checks that do not depend on it say anything.
      if (previousMissing && !INDEPENDENT_OF_PREVIOUS.has(f.code)) continue;
      for (const item of f.items)
        findings.add(
          f.code,
          f.message,
          item,
          (item as { why?: string }).why?.startsWith("epochAmount") ? "amount" : undefined,
        );
    }
  }

  // Omitted receipts (disputes).
  const omitted = ev.document?.omitted as { tickets?: unknown[]; receipts?: unknown[] } | undefined;
  if (audit?.bundle && audit.recomputation && omitted?.receipts?.length) {
    const tickets: TicketMap = new Map();
    for (const t of audit.bundle.tickets) tickets.set(t.ticketHash, t.signed);
    for (const raw of omitted.tickets ?? []) {
      try {
        const t = signedViewerTicketFromJson(raw);
        tickets.set(`0x${Buffer.from(verifier.ticketHash(t.ticket)).toString("hex")}`, t);
      } catch {
        // a malformed ticket proves nothing
      }
    }
    const inBundle = new Set(audit.bundle.receipts.map((r) => r.receiptId));
    const extra = (omitted.receipts ?? []).flatMap((raw) => {
      try {
        const r = signedChunkReceiptFromJson(raw);
        return inBundle.has(`0x${Buffer.from(verifier.receiptDigest(r.receipt)).toString("hex")}` as Hex)
          ? []
          : [{ signed: r, source: "dispute" as const }];
      } catch {
        return [];
      }
    });
    const rec = await recomputeEpoch({
      epoch: post.epoch,
      receipts: [...audit.bundle.receipts.map((r) => ({ signed: r.signed, source: "bundle" as const })), ...extra],
      tickets,
      carry: await loadCarryFromBundles({
        epoch: post.epoch,
        tickets: [...tickets.values()],
        epochParams: facts.epochParams,
        verifier,
        loadBundle: async (e) => {
          const p = postBefore(posts, e, post);
          return p ? loadPostBundle(p) : undefined;
        },
      }),
      facts,
      postBlock: post.blockNumber,
      snapshotBlock: audit.snapshotBlock ?? post.blockNumber - 1n,
      ...(post.released ? { released: post.released } : {}),
      previousLeaves: previous?.leaves ?? [],
      verifier,
      keccak,
    });
    for (const a of rec.accepted.filter((x) => x.source === "dispute"))
      findings.add("RECEIPTS_OMITTED", "A valid receipt of this epoch is missing from the bundle.", {
        receiptId: a.receiptId,
        relay: a.signed.receipt.relay,
        size: a.signed.receipt.size,
      });
  }

  const list = findings.list();
  const codes = new Set(list.map((f) => f.code));
  const evidenceCodes = (ev.document?.findings ?? []).map((f) => f.code);
  return {
    challenge: ev.challenge,
    status: STATUS[info.status] as ChallengeReview["status"],
    post,
    evidence: {
      available: ev.bytes !== null,
      hashMatches: ev.hashMatches,
      fault: ev.document?.fault ?? null,
      summary: ev.document?.summary ?? null,
      ...(ev.error ? { error: ev.error } : {}),
    },
    findings: list,
    confirmed: evidenceCodes.filter((c) => codes.has(c)),
    verdict: list.length > 0 && ev.hashMatches ? "uphold" : "dismiss",
    recomputedRoot: audit?.recomputation?.root ?? null,
    incomplete: previousMissing,
  };
}
