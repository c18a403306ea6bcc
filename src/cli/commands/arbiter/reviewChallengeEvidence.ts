import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Finding } from "../../../protocol/audit/types.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { fetchChallengeEvidence } from "../../../verifier/arbiter/fetchChallengeEvidence.ts";
import { reviewChallenge } from "../../../verifier/arbiter/reviewChallenge.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseChallengeId } from "../../chain/parseArguments.ts";
import { type ChallengeStatus, readChallenge } from "../../chain/readChallenge.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { toCliError } from "../../errors/toCliError.ts";

/** One kind of finding: its code, what it means and how many offending items there were. */
export type FindingSummary = { code: string; message: string; count: number };

export type ReviewChallengeResult = {
  /**
   * True when the evidence holds: it is the evidence committed on chain, about this epoch, and the recomputation
   * reproduces its fault.
   */
  ok: boolean;
  challengeId: bigint;
  epoch: bigint;
  status: ChallengeStatus;
  challenger: Address;
  bond: bigint;
  openedAt: bigint;
  deadline: bigint;
  chainTime: bigint;
  /** The contract clock (unix time minus paused seconds): the deadline is judged against it. */
  clock: bigint;
  /** The post the challenge is about (the live post of the epoch when the challenge was opened). */
  post: { aggregator: Address; root: Hex; bundleHash: Hex; bundleURI: string; blockNumber: bigint; postedAt: bigint };
  evidence: {
    uri: string;
    /** evidenceHash as committed on chain by challenge(). */
    hash: Hex;
    available: boolean;
    hashMatches: boolean;
    /** The document's fault (its most fundamental finding), its summary and every finding it lists. */
    fault: string | null;
    summary: string | null;
    claims: FindingSummary[];
    /** Why the evidence does not hold as published, or null when it does (before the recomputation). */
    problem: string | null;
  };
  /**
   * The arbiter's own recomputation of the epoch from the chain and the published bundles (the verifier's auditBundle).
   */
  recomputation: { root: Hex | null; findings: FindingSummary[]; incomplete: boolean };
  /** The evidence's finding codes that the recomputation reproduces. */
  confirmed: string[];
  /** The evidence's finding codes that the recomputation does not reproduce. */
  notReproduced: string[];
  /** Codes the recomputation finds that the evidence does not list. */
  alsoFound: string[];
  /** uphold when the recomputation finds the epoch wrong, dismiss when it finds nothing. */
  recommendation: "uphold" | "dismiss";
  reason: string;
};

type EvidenceDocumentLike = {
  format?: unknown;
  chainId?: unknown;
  distributor?: unknown;
  epoch?: unknown;
  fault?: unknown;
  summary?: unknown;
  findings?: unknown;
};

/**
 * `meshpay arbiter review <challengeId>`: what an arbiter needs to decide, from public data only. Fetches the
 * evidence at the challenge's evidenceURI and checks its keccak256 against the evidenceHash committed on chain and
 * that it is about this deployment and epoch; re-fetches the challenged epoch's bundle and the earlier ones and
 * recomputes the epoch independently with the verifier's arbiter functions (reviewChallenge: the same audit rules,
 * nothing of the challenger's state); compares what the evidence claims with what the recomputation finds. `ok`
 * (exit 0) when the evidence holds and its fault is reproduced; otherwise exit 6. The recommendation is "uphold"
 * whenever the recomputation finds the epoch wrong.
 */
export async function reviewChallengeEvidence(
  args: { challengeId: string; timeoutMs?: number },
  ctx: CommandContext,
): Promise<ReviewChallengeResult> {
  const challengeId = parseChallengeId(args.challengeId);
  const chain = await connectChain(ctx);
  const challenge = await readChallenge(chain, challengeId);
  const client = chain.publicClient;
  const fetchOptions = { timeoutMs: args.timeoutMs ?? 30_000 };
  ctx.output.info(
    `Reviewing challenge #${challengeId} on epoch ${challenge.epoch}: fetching the evidence and the bundles, ` +
      `recomputing the epoch from public data…`,
  );
  let review: Awaited<ReturnType<typeof reviewChallenge>>;
  let document: EvidenceDocumentLike | null;
  try {
    const [r, ev] = await Promise.all([
      reviewChallenge({
        client,
        distributor: chain.distributor,
        challengeId,
        fromBlock: chain.fromBlock,
        logRange: chain.logBlockRange,
        fetch: fetchOptions,
      }),
      fetchChallengeEvidence({
        client,
        distributor: chain.distributor,
        challengeId,
        fromBlock: chain.fromBlock,
        logRange: chain.logBlockRange,
        fetch: fetchOptions,
      }),
    ]);
    review = r;
    document = ev.document as EvidenceDocumentLike | null;
  } catch (err) {
    throw toCliError(err, undefined, `Reviewing challenge #${challengeId}`);
  }
  const [chainTime, clock] = await Promise.all([
    chain.chainTime(),
    client.readContract({ address: chain.distributor, abi: rewardDistributorAbi, functionName: "clock" }),
  ]);

  const claims = summarize(Array.isArray(document?.findings) ? (document!.findings as Finding[]) : []);
  const fault = typeof document?.fault === "string" ? document.fault : null;
  // The fault is the claim that matters, even when the document forgot to list it among its findings.
  if (fault !== null && !claims.some((c) => c.code === fault))
    claims.unshift({ code: fault, message: typeof document?.summary === "string" ? document.summary : "", count: 1 });
  let problem: string | null = null;
  if (!review.evidence.available)
    problem =
      `The evidence at ${challenge.evidenceURI} could not be ` +
      `fetched${review.evidence.error ? ` (${review.evidence.error})` : ""}`;
  else if (!review.evidence.hashMatches)
    problem =
      `The evidence served at ${challenge.evidenceURI} is not the evidence committed on chain for this challenger ` +
      `(keccak256(abi.encode(challenger, keccak256(evidence))) is not ${challenge.evidenceHash})`;
  else if (document?.format !== "meshpay-evidence" || fault === null)
    problem = "The evidence is not a meshpay evidence document (format meshpay-evidence with a fault)";
  else if (String(document.epoch) !== String(challenge.epoch))
    problem = `The evidence is about epoch ${String(document.epoch)}, not the challenged epoch ${challenge.epoch}`;
  else if (
    String(document.distributor).toLowerCase() !== chain.distributor.toLowerCase() ||
    String(document.chainId) !== String(chain.chainId)
  )
    problem =
      `The evidence is about distributor ${String(document.distributor)} on chain ` +
      `${String(document.chainId)}, not this deployment`;

  const found = summarize(review.findings);
  const foundCodes = new Set(found.map((f) => f.code));
  const claimedCodes = claims.map((c) => c.code);
  const confirmed = claimedCodes.filter((c) => foundCodes.has(c));
  const notReproduced = claimedCodes.filter((c) => !foundCodes.has(c));
  const alsoFound = found.map((f) => f.code).filter((c) => !claimedCodes.includes(c));
  const ok = problem === null && fault !== null && confirmed.includes(fault);
  const recommendation = review.verdict;

  const wrong = `epoch ${challenge.epoch} is wrong (${found.map((f) => f.code).join(", ")})`;
  let reason: string;
  if (ok) reason = `The recomputation from public data reproduces the evidence's ${fault}: ${wrong}. Uphold.`;
  else if (problem !== null)
    reason =
      recommendation === "uphold"
        ? `${problem}. The recomputation from public data nevertheless finds that ${wrong}: uphold, so that it ` +
          `cannot pay out.`
        : found.length > 0
          ? `${problem}. The recomputation finds that ${wrong}, but only a challenge whose evidence is bound to its ` +
            `own challenger is rewarded: dismiss this one; an honest challenger opens its own challenge (any number ` +
            `may be open on one post) while the window lasts.`
          : `${problem}. The recomputation from public data finds nothing wrong with epoch ${challenge.epoch} ` +
            `either: dismiss.`;
  else
    reason =
      recommendation === "uphold"
        ? `The recomputation from public data does not reproduce the evidence's ${fault}, but finds that ${wrong}: ` +
          `uphold, so that it cannot pay out.`
        : `The recomputation from public data does not reproduce the evidence's ${fault} and finds nothing wrong ` +
          `with epoch ${challenge.epoch}: dismiss.`;
  if (review.incomplete)
    reason += " (The previous epoch's bundle could not be fetched: the checks that depend on it were skipped.)";
  if (review.status !== "open")
    reason += ` Challenge #${challengeId} is already ${review.status}: there is nothing left to decide.`;

  return {
    ok,
    challengeId,
    epoch: challenge.epoch,
    status: review.status,
    challenger: challenge.challenger,
    bond: challenge.bond,
    openedAt: challenge.openedAt,
    deadline: challenge.deadline,
    chainTime,
    clock,
    post: {
      aggregator: review.post.aggregator,
      root: review.post.root,
      bundleHash: review.post.bundleHash,
      bundleURI: review.post.bundleURI,
      blockNumber: review.post.blockNumber,
      postedAt: review.post.postedAt,
    },
    evidence: {
      uri: challenge.evidenceURI,
      hash: challenge.evidenceHash,
      available: review.evidence.available,
      hashMatches: review.evidence.hashMatches,
      fault,
      summary: typeof document?.summary === "string" ? document.summary : null,
      claims,
      problem,
    },
    recomputation: { root: review.recomputedRoot, findings: found, incomplete: review.incomplete },
    confirmed,
    notReproduced,
    alsoFound,
    recommendation,
    reason,
  };
}

function summarize(findings: readonly Finding[]): FindingSummary[] {
  const out: FindingSummary[] = [];
  for (const f of findings) {
    if (!f || typeof f.code !== "string") continue;
    const count = typeof f.count === "number" ? f.count : Array.isArray(f.items) ? f.items.length : 1;
    const same = out.find((x) => x.code === f.code);
    if (same) same.count += count;
    else out.push({ code: f.code, message: typeof f.message === "string" ? f.message : "", count });
  }
  return out;
}
