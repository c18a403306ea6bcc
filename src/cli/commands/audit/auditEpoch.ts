import { auditBundle } from "../../../protocol/audit/auditBundle.ts";
import { loadCarryFromBundles } from "../../../protocol/audit/loadCarryFromBundles.ts";
import type { Finding as AuditFinding, PostedEpoch } from "../../../protocol/audit/types.ts";
import type { Bundle } from "../../../protocol/bundle/types.ts";
import { createFastKeccak256 } from "../../../protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../../protocol/node/createNodeReceiptVerifier.ts";
import type { Hex, RewardLeaf } from "../../../protocol/types.ts";
import { createChainFacts } from "../../../verifier/chain/createChainFacts.ts";
import { downloadBundle } from "../../bundle/downloadBundle.ts";
import { parseDownloadedBundle } from "../../bundle/parseDownloadedBundle.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseInteger } from "../../chain/parseArguments.ts";
import { type EpochPost, readEpochPost } from "../../chain/readEpochPost.ts";
import type { CommandContext } from "../../context/CliDeps.ts";

/** Items of one finding listed in full up to this many; the rest are counted. */
const MAX_LISTED = 20;

export type Finding = { code: string; message: string };

export type AuditEpochResult = {
  ok: boolean;
  epoch: bigint;
  status: "pending" | "claimable";
  root: Hex;
  recomputedRoot: Hex | null;
  bundle: { uri: string; hash: Hex; bytes: number };
  counts: {
    pools: number;
    tickets: number;
    receipts: number;
    validReceipts: number;
    invalidReceipts: number;
    leaves: number;
  };
  /** One entry per offending item (at most MAX_LISTED per code), the shared finding codes (docs/bundle.md). */
  findings: Finding[];
  /** Findings by code, including those not listed. */
  findingCounts: Record<string, number>;
};

/**
 * `meshpay audit epoch <N>`: re-verifies epoch N from public data only — the chain and the published bundles — with
 * the same audit the verifier service runs (src/protocol/audit/auditBundle: docs/bundle.md's rules, including the
 * cross-epoch uniqueness and maxBytes rules over the bundles of the earlier epochs its tickets span). A copy given
 * with --bundle is audited whole even when it does not hash to the post. `ok` is false (exit 6) on any finding.
 */
export async function auditEpoch(
  args: { epoch: string; bundle?: string; previousBundle?: string },
  ctx: CommandContext,
): Promise<AuditEpochResult> {
  const epoch = parseInteger(args.epoch, "epoch");
  const chain = await connectChain(ctx);
  const post = await readEpochPost(chain, epoch);
  const [facts, verifier, keccak] = await Promise.all([
    createChainFacts({
      client: chain.publicClient,
      distributor: chain.distributor,
      fromBlock: chain.fromBlock,
      logRange: chain.logBlockRange,
    }),
    createNodeReceiptVerifier({ domain: { chainId: chain.chainId, verifyingContract: chain.distributor } }),
    createFastKeccak256(),
  ]);
  const downloaded = await downloadBundle(ctx, args.bundle ?? post.bundleURI, `Epoch ${epoch} bundle`);

  // Earlier epochs' bundles, as posted (the previous one may come from --previous-bundle), each fetched once.
  const earlier = new Map<bigint, Promise<{ post: EpochPost; bundle: Bundle | undefined; hashOk: boolean }>>();
  const loadEarlier = (e: bigint) => {
    let p = earlier.get(e);
    if (!p) {
      p = (async () => {
        const ePost = await readEpochPost(chain, e);
        const source = e === epoch - 1n && args.previousBundle ? args.previousBundle : ePost.bundleURI;
        const bytes = await downloadBundle(ctx, source, `Epoch ${e} bundle`);
        const hashOk = bytes.hash === ePost.bundleHash;
        return { post: ePost, bundle: hashOk ? parseDownloadedBundle(bytes.bytes) : undefined, hashOk };
      })();
      earlier.set(e, p);
    }
    return p;
  };
  let previous: { bundleHash: Hex; leaves: RewardLeaf[] } | null = null;
  let previousHashOk = true;
  if (epoch > 0n) {
    const prev = await loadEarlier(epoch - 1n);
    previousHashOk = prev.hashOk;
    previous = {
      bundleHash: prev.post.bundleHash,
      leaves: (prev.bundle?.leaves ?? []).map(({ line: _line, ...leaf }) => leaf),
    };
  }

  const audit = await auditBundle({
    post: toPostedEpoch(post),
    bytes: downloaded.bytes,
    previous,
    loadCarry: (tickets) =>
      loadCarryFromBundles({
        epoch,
        tickets,
        epochParams: facts.epochParams,
        verifier,
        loadBundle: async (e) => (await loadEarlier(e)).bundle,
      }),
    facts,
    verifier,
    keccak,
    continueAfterHashMismatch: true,
  });
  const receiptCount = audit.bundle?.receipts.length ?? 0;
  const bar = ctx.output.progress("Verifying receipts", receiptCount, { unit: "receipts" });
  bar.update(receiptCount);
  bar.stop();

  const findings: Finding[] = [];
  const findingCounts: Record<string, number> = {};
  if (!previousHashOk) {
    findingCounts.BUNDLE_HASH_MISMATCH = 1;
    findings.push({
      code: "BUNDLE_HASH_MISMATCH",
      message: `Epoch ${epoch - 1n}'s bundle does not hash to its posted bundleHash: cumulative amounts are unchecked.`,
    });
  }
  for (const f of audit.findings) addFinding(findings, findingCounts, f);
  const bundle = audit.bundle;
  const receipts = bundle?.receipts.length ?? 0;
  const valid = audit.recomputation?.accepted.length ?? 0;
  return {
    ok: Object.keys(findingCounts).length === 0,
    epoch,
    status: post.status,
    root: post.root,
    recomputedRoot: audit.recomputation?.root ?? null,
    bundle: { uri: downloaded.uri, hash: downloaded.hash, bytes: downloaded.bytes.length },
    counts: {
      pools: bundle?.pools.length ?? 0,
      tickets: bundle?.tickets.length ?? 0,
      receipts,
      validReceipts: valid,
      invalidReceipts: receipts - valid,
      leaves: bundle?.leaves.length ?? 0,
    },
    findings,
    findingCounts,
  };
}

function toPostedEpoch(post: EpochPost): PostedEpoch {
  return {
    id: `${post.transactionHash}:${post.logIndex}`,
    epoch: post.epoch,
    aggregator: post.aggregator,
    root: post.root,
    bundleHash: post.bundleHash,
    bundleURI: post.bundleURI,
    poolTotals: post.poolTotals,
    dataHash: post.dataHash,
    blockNumber: post.blockNumber,
    blockHash: post.blockHash,
    txHash: post.transactionHash,
    logIndex: post.logIndex,
    postedAt: post.postedAt,
  };
}

/**
 * One CLI finding per offending item: the audit's sentence (one per code, so it heads the first item only), then
 * the item's facts.
 */
function addFinding(out: Finding[], counts: Record<string, number>, f: AuditFinding): void {
  counts[f.code] = (counts[f.code] ?? 0) + f.count;
  if (f.items.length === 0) out.push({ code: f.code, message: f.message });
  f.items.slice(0, MAX_LISTED).forEach((item, i) => {
    out.push({ code: f.code, message: i === 0 ? `${f.message} ${describe(item)}` : describe(item) });
  });
}

function describe(item: unknown): string {
  if (item === null || typeof item !== "object") return String(item);
  const parts = Object.entries(item as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v !== null && typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return `(${parts.join("; ")})`;
}
