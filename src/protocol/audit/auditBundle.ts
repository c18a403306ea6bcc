import { parseBundleBytes } from "../bundle/parseBundleBytes.ts";
import type { Bundle } from "../bundle/types.ts";
import { ZERO_HASH } from "../constants.ts";
import type { ReceiptVerifier } from "../createReceiptVerifier.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import { buildRewardTree } from "../tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../tree/emptyEpochRoot.ts";
import type { Hex, Keccak256, RewardLeaf, SignedViewerTicket } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { createFindingCollector, type FindingCollector } from "./createFindingCollector.ts";
import type { FaultCode } from "./faultCodes.ts";
import { recomputeEpoch } from "./recomputeEpoch.ts";
import type { ChainFacts, Finding, PostedEpoch, Recomputation, TicketCarry, TicketMap } from "./types.ts";

export type BundleAudit = {
  /** keccak256 of the bytes audited. */
  computedHash: Hex;
  findings: Finding[];
  bundle?: Bundle;
  /** Root of the bundle's own leaves. */
  bundleRoot?: Hex;
  recomputation?: Recomputation;
  /** The block whose pool balances the recomputation used. */
  snapshotBlock?: bigint;
  /** Leaves that differ between the bundle and the recomputation (for the evidence). */
  differingLeaves: { bundle: RewardLeaf | null; recomputed: RewardLeaf | null }[];
  /** Earlier epochs whose bundles could not be read for the cross-epoch ticket checks. */
  missingEpochs: bigint[];
};

/**
 * Audits the bytes of one posted epoch's bundle against the chain (docs/bundle.md, "Rules"): the hash; the format;
 * the header against the EpochPosted event, the deployment and the previous post; every receipt (recomputeEpoch);
 * every pool line, leaf and relay total against the recomputation; cumulative amounts against the previous bundle;
 * the root of the leaves and the recomputed root against the posted root; the posted pool totals. Returns every
 * finding, most fundamental first; no findings means the epoch is honest. Transport errors propagate (retry).
 */
export async function auditBundle(args: {
  post: PostedEpoch;
  bytes: Uint8Array;
  /** The previous epoch's post as it stood when `post` was made, or null for epoch 0. */
  previous: { bundleHash: Hex; leaves: readonly RewardLeaf[] } | null;
  /** Receipts earlier epochs credited for these tickets. */
  loadCarry: (tickets: readonly SignedViewerTicket[]) => Promise<TicketCarry>;
  facts: ChainFacts;
  verifier: ReceiptVerifier;
  keccak: Keccak256;
  /**
   * Audit the contents even when the bytes do not hash to the posted bundleHash (an auditor checking a copy of a
   * bundle wants to know what else is wrong with it). Default false: a mismatching hash is the only finding.
   */
  continueAfterHashMismatch?: boolean;
}): Promise<BundleAudit> {
  const { post, facts, verifier, keccak } = args;
  const findings = createFindingCollector();
  const computedHash = bytesToHex(keccak(args.bytes)) as Hex;
  const result: BundleAudit = { computedHash, findings: [], differingLeaves: [], missingEpochs: [] };
  if (computedHash !== post.bundleHash.toLowerCase()) {
    findings.add(
      "BUNDLE_HASH_MISMATCH",
      "The bundle served at bundleURI does not hash to the bundleHash posted on chain.",
      {
        bundleURI: post.bundleURI,
        posted: post.bundleHash,
        computed: computedHash,
        bytes: args.bytes.length,
      },
    );
    if (!args.continueAfterHashMismatch) {
      result.findings = findings.list();
      return result;
    }
  }
  let bundle: Bundle;
  try {
    bundle = parseBundleBytes(args.bytes);
  } catch (err) {
    if (!(err instanceof ProtocolError && err.code === "BUNDLE_MALFORMED")) throw err;
    findings.add(
      "BUNDLE_MALFORMED",
      "The bundle does not follow the epoch bundle format (docs/bundle.md, version 1 or 2).",
      {
        reason: err.shortMessage,
        line: err.line,
        field: err.field,
      },
    );
    result.findings = findings.list();
    return result;
  }
  result.bundle = bundle;
  const h = bundle.header;

  // Header (rule 1, and rule 5 for the snapshot block).
  const header = (field: string, inBundle: unknown, expected: unknown, why: string) =>
    findings.add("HEADER_MISMATCH", "The bundle header does not match the chain.", {
      field,
      bundle: inBundle,
      expected,
      why,
    });
  if (h.chainId !== facts.chainId) header("chainId", h.chainId, facts.chainId, "the chain's id");
  if (h.distributor !== facts.distributor.toLowerCase())
    header("distributor", h.distributor, facts.distributor, "the RewardDistributor that emitted EpochPosted");
  if (h.epoch !== post.epoch) header("epoch", h.epoch, post.epoch, "the epoch posted");
  if (h.genesisTime !== facts.config.genesisTime)
    header("genesisTime", h.genesisTime, facts.config.genesisTime, "config().genesisTime");
  if (h.epochSeconds !== facts.config.epochSeconds)
    header("epochSeconds", h.epochSeconds, facts.config.epochSeconds, "config().epochSeconds");
  if (h.graceSeconds !== facts.config.graceSeconds)
    header("graceSeconds", h.graceSeconds, facts.config.graceSeconds, "config().graceSeconds");
  const expectedPrevious = args.previous?.bundleHash.toLowerCase() ?? ZERO_HASH;
  if (h.previousBundleHash !== expectedPrevious)
    header(
      "previousBundleHash",
      h.previousBundleHash,
      expectedPrevious,
      "the bundleHash of the previous epoch's post (zero for epoch 0)",
    );
  if (h.root !== post.root.toLowerCase())
    findings.add("ROOT_MISMATCH", "The root the bundle claims is not the root posted on chain.", {
      field: "header.root",
      bundle: h.root,
      posted: post.root,
    });
  let snapshotBlock = h.snapshotBlock;
  const closesAt = facts.config.genesisTime + (post.epoch + 1n) * facts.config.epochSeconds + facts.config.graceSeconds;
  const snapshotTime = h.snapshotBlock < post.blockNumber ? await facts.blockTimestamp(h.snapshotBlock) : undefined;
  if (snapshotTime === undefined || snapshotTime < closesAt) {
    header(
      "snapshotBlock",
      h.snapshotBlock,
      `a block at or after epochClosesAt (${closesAt}) and before the post (block ${post.blockNumber})`,
      snapshotTime === undefined
        ? "the snapshot block is not before the post"
        : `block ${h.snapshotBlock} has timestamp ${snapshotTime}, before the epoch closed`,
    );
    snapshotBlock = post.blockNumber - 1n;
  }
  result.snapshotBlock = snapshotBlock;

  // Ordering and identifiers.
  checkAscending(
    findings,
    bundle.pools.map((p) => ({ key: p.poolId, line: 0 })),
    "pool lines (by poolId)",
    true,
  );
  checkAscending(
    findings,
    bundle.tickets.map((t) => ({ key: t.ticketHash, line: t.line })),
    "ticket lines (by ticketHash)",
    true,
  );
  checkAscending(
    findings,
    bundle.receipts.map((r) => ({ key: r.receiptId, line: r.line })),
    "receipt lines (by receiptId)",
    false,
  );
  checkAscending(
    findings,
    bundle.leaves.map((l) => ({ key: `${l.poolId}:${l.account}`, line: l.line })),
    "leaf lines (by poolId, account)",
    true,
  );
  // Identifiers: every ticketHash and receiptId must be the hash of what its line carries.
  const ticketHashes = recomputeIds(
    findings,
    bundle.tickets,
    "ticketHash",
    (t) => verifier.ticketHash(t.signed.ticket),
    ["BUNDLE_MALFORMED", "A ticket line's ticketHash is not the hash of its ticket."],
  );
  const tickets: TicketMap = new Map(bundle.tickets.map((t, i) => [ticketHashes[i]!, t.signed]));
  recomputeIds(findings, bundle.receipts, "receiptId", (r) => verifier.receiptDigest(r.signed.receipt), [
    "RECEIPT_INVALID",
    "A receipt line's receiptId is not the EIP-712 digest of its receipt.",
    { errors: [{ code: "RECEIPT_ID_MISMATCH", message: "receiptId differs from the digest" }] },
  ]);

  // Receipts and amounts (rules 2 and 3).
  const carry = await args.loadCarry([...tickets.values()]);
  result.missingEpochs = carry.missingEpochs;
  const previousLeaves = args.previous?.leaves ?? [];
  const recomputation = await recomputeEpoch({
    epoch: post.epoch,
    receipts: bundle.receipts.map((r) => ({ signed: r.signed, source: "bundle" as const, line: r.line })),
    tickets,
    carry,
    facts,
    postBlock: post.blockNumber,
    snapshotBlock,
    ...(post.released ? { released: post.released } : {}),
    previousLeaves,
    verifier,
    keccak,
  });
  result.recomputation = recomputation;
  for (const r of recomputation.rejected) {
    const item = { line: r.line, receiptId: r.receiptId, receipt: r.receipt, errors: r.errors };
    if (r.kind === "duplicate")
      findings.add(
        "RECEIPT_DUPLICATE",
        "The bundle credits a chunk twice (same uniqueness key or the same receipt).",
        item,
      );
    else findings.add("RECEIPT_INVALID", "The bundle credits a receipt that does not pass validation.", item);
  }

  comparePools(findings, bundle, recomputation);
  // What the leaves actually pay out of each pool must be its total: more overdraws the pool, whatever is posted.
  const leafSums = new Map<string, bigint>();
  for (const l of bundle.leaves) leafSums.set(l.poolId, (leafSums.get(l.poolId) ?? 0n) + l.epochAmount);
  const lineTotals = new Map<string, bigint>(bundle.pools.map((p) => [p.poolId, p.total]));
  const chainAvailable = new Map<string, bigint>(recomputation.pools.map((p) => [p.poolId, p.available]));
  for (const [poolId, sum] of leafSums) {
    const total = lineTotals.get(poolId) ?? 0n;
    if (sum !== total)
      findings.add("POOL_TOTAL_MISMATCH", "The bundle's pool lines are not those of the recomputation.", {
        poolId,
        field: "leaves",
        leavesPay: sum,
        total,
        why:
          sum > total
            ? `the pool is overdrawn: its leaves pay ${sum} this epoch, more than its total ${total}`
            : `its leaves pay ${sum} this epoch, not its total ${total}`,
        ...(chainAvailable.has(poolId) ? { available: chainAvailable.get(poolId) } : {}),
      });
  }
  result.differingLeaves = compareLeaves(findings, bundle, recomputation, previousLeaves);

  // Roots and posted totals (rule 5).
  const bundleRoot = bundle.leaves.length === 0 ? EMPTY_EPOCH_ROOT : buildRewardTree(bundle.leaves, keccak).root;
  result.bundleRoot = bundleRoot;
  if (bundleRoot !== post.root.toLowerCase())
    findings.add("ROOT_MISMATCH", "The posted root is not the root of the bundle's leaves.", {
      posted: post.root,
      bundleLeavesRoot: bundleRoot,
    });
  const posted = new Map<string, bigint>(
    post.poolTotals.filter((t) => t.amount !== 0n).map((t) => [t.poolId.toLowerCase(), t.amount]),
  );
  const recomputed = new Map<string, bigint>(
    recomputation.poolTotals.filter((t) => t.amount !== 0n).map((t) => [t.poolId as string, t.amount]),
  );
  for (const poolId of new Set([...posted.keys(), ...recomputed.keys()])) {
    if (posted.get(poolId) !== recomputed.get(poolId))
      findings.add("POOL_TOTAL_MISMATCH", "The pool totals posted on chain are not the recomputed ones.", {
        poolId,
        field: "poolTotals",
        posted: posted.get(poolId) ?? 0n,
        recomputed: recomputed.get(poolId) ?? 0n,
      });
  }
  if (recomputation.root !== post.root.toLowerCase() && findings.size === 0)
    findings.add("ROOT_MISMATCH", "The recomputed root differs from the posted root.", {
      posted: post.root,
      recomputed: recomputation.root,
    });
  result.findings = findings.list();
  return result;
}

/** The hash of each line's contents; a finding for every line whose stated id (`field`) is another. */
function recomputeIds<field extends "ticketHash" | "receiptId", T extends { line: number } & Record<field, Hex>>(
  findings: FindingCollector,
  lines: readonly T[],
  field: field,
  digest: (line: T) => Uint8Array,
  [code, message, extra]: [FaultCode, string, Record<string, unknown>?],
): Hex[] {
  return lines.map((line) => {
    const actual = bytesToHex(digest(line));
    if (actual !== line[field])
      findings.add(code, message, { line: line.line, [field]: line[field], actual, ...extra });
    return actual;
  });
}

function checkAscending(
  findings: FindingCollector,
  keys: { key: string; line: number }[],
  what: string,
  strict: boolean,
): void {
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1]!.key;
    const b = keys[i]!.key;
    if (a > b || (strict && a === b)) {
      findings.add("BUNDLE_MALFORMED", `The ${what} are not in ascending order without repeats.`, {
        line: keys[i]!.line || undefined,
        previous: a,
        key: b,
      });
      return;
    }
  }
}

function comparePools(findings: FindingCollector, bundle: Bundle, recomputation: Recomputation): void {
  const mine = new Map(recomputation.pools.map((p) => [p.poolId, p]));
  const theirs = new Map(bundle.pools.map((p) => [p.poolId, p]));
  for (const poolId of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const m = mine.get(poolId);
    const t = theirs.get(poolId);
    if (!m || !t) {
      findings.add("POOL_TOTAL_MISMATCH", "The bundle's pool lines are not those of the recomputation.", {
        poolId,
        field: "pool",
        bundle: t ?? null,
        recomputed: m ?? null,
        why: t ? "the pool has no valid receipt this epoch" : "the pool line is missing",
      });
      continue;
    }
    for (const field of ["pricePerGB", "available", "epochBytes", "rawTotal", "total"] as const) {
      if (m[field] !== t[field])
        findings.add("POOL_TOTAL_MISMATCH", "The bundle's pool lines are not those of the recomputation.", {
          poolId,
          field,
          bundle: t[field],
          recomputed: m[field],
          ...(field === "total" && t.total > m.available
            ? { why: `the pool is overdrawn: total ${t.total} exceeds its unallocated balance ${m.available}` }
            : {}),
          ...(field === "available" ? { why: "unallocated balance on chain at snapshotBlock" } : {}),
          ...(field === "pricePerGB" ? { why: "priceAt(poolId, epoch)" } : {}),
        });
    }
  }
}

function compareLeaves(
  findings: FindingCollector,
  bundle: Bundle,
  recomputation: Recomputation,
  previousLeaves: readonly RewardLeaf[],
) {
  const key = (l: RewardLeaf) => `${l.poolId.toLowerCase()}:${l.account.toLowerCase()}`;
  const previous = new Map(previousLeaves.map((l) => [key(l), l]));
  const mine = new Map(recomputation.leaves.map((l) => [key(l), l]));
  const theirs = new Map<string, RewardLeaf>();
  for (const l of bundle.leaves) if (!theirs.has(key(l))) theirs.set(key(l), l);
  const differing: { bundle: RewardLeaf | null; recomputed: RewardLeaf | null }[] = [];
  for (const k of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const m = mine.get(k) ?? null;
    const t = theirs.get(k) ?? null;
    const p = previous.get(k);
    const leafOf = (l: RewardLeaf | null) =>
      l
        ? {
            account: l.account,
            poolId: l.poolId,
            cumulativeAmount: l.cumulativeAmount,
            epochBytes: l.epochBytes,
            epochAmount: l.epochAmount,
            receiptsRoot: l.receiptsRoot,
          }
        : null;
    const relay = (why: string, variant: "bytes" | "amount") => {
      const l = (t ?? m)!;
      findings.add(
        "RELAY_TOTAL_MISMATCH",
        "A relay's credits do not match its receipts.",
        { account: l.account, poolId: l.poolId, why, bundle: leafOf(t), recomputed: leafOf(m) },
        variant,
      );
    };
    let differs = false;
    if (!t) {
      differs = true;
      if (p)
        findings.add("CUMULATIVE_MISMATCH", "An account of the previous bundle has no leaf any more.", {
          account: m!.account,
          poolId: m!.poolId,
          previous: leafOf(p),
          recomputed: leafOf(m),
        });
      else relay("the relay has valid receipts but no leaf", "bytes");
    } else if (!m) {
      differs = true;
      relay("a leaf for an account with no valid receipt and no previous leaf", "bytes");
    } else {
      if (t.epochBytes !== m.epochBytes || t.receiptsRoot.toLowerCase() !== m.receiptsRoot) {
        differs = true;
        relay(
          t.epochBytes !== m.epochBytes
            ? "epochBytes is not the sum of its receipts' sizes"
            : "receiptsRoot is not the root of its receipts",
          "bytes",
        );
      } else if (t.epochAmount !== m.epochAmount) {
        differs = true;
        relay(
          "epochAmount is not floor(bytes x price / 1e9) (scaled to the pool's balance when it cannot cover)",
          "amount",
        );
      }
      const expected = (p?.cumulativeAmount ?? 0n) + t.epochAmount;
      if (t.cumulativeAmount !== expected) {
        differs = true;
        findings.add(
          "CUMULATIVE_MISMATCH",
          "A cumulative amount is not the previous cumulative amount plus this epoch's amount.",
          {
            account: t.account,
            poolId: t.poolId,
            previousCumulative: p?.cumulativeAmount ?? 0n,
            epochAmount: t.epochAmount,
            bundle: t.cumulativeAmount,
            expected,
          },
        );
      } else if (t.cumulativeAmount !== m.cumulativeAmount) differs = true;
    }
    if (differs) differing.push({ bundle: leafOf(t), recomputed: leafOf(m) });
  }
  return differing;
}
