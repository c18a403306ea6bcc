import type { AggregatorClient } from "../../client/ServiceClient.ts";
import type { AccountRewards } from "../../client/types.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { buildRewardTree } from "../../protocol/tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import { hashRewardLeaf } from "../../protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../protocol/tree/verifyMerkleProof.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import { downloadBundle } from "../bundle/downloadBundle.ts";
import { parseDownloadedBundle } from "../bundle/parseDownloadedBundle.ts";
import type { EpochPost } from "../chain/readEpochPost.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";
import { readAggregatorLeaves } from "./readAggregatorLeaves.ts";

/** One account's leaves in one posted epoch, each with its proof against the epoch's on-chain root. */
export type AccountLeaves = {
  epoch: bigint;
  root: Hex;
  source: "bundle" | "aggregator";
  /** Where the leaves came from (bundle URI or aggregator URL). */
  from: string;
  leaves: { leaf: RewardLeaf; proof: Hex[] }[];
};

/** Where an account's leaves come from: the public epoch bundles, or an aggregator's answers (readAggregatorLeaves). */
export type LeafSource = { kind: "bundle" } | { kind: "aggregator"; client: AggregatorClient; rewards: AccountRewards };

/**
 * The account's leaves of a posted epoch: from the aggregator (its rewards answer, then its leaf endpoint) or from
 * the epoch's public bundle (downloaded, checked against the posted bundleHash, its tree rebuilt and its root checked
 * against the chain). Either way every proof is verified against the on-chain root before it is used: a proof the
 * aggregator served that does not lead there is AGGREGATOR_PROOF_INVALID, one from the bundle AUDIT_MISMATCH.
 */
export async function readAccountLeaves(
  ctx: CommandContext,
  post: EpochPost,
  account: Address,
  source: LeafSource,
): Promise<AccountLeaves> {
  const result =
    source.kind === "aggregator"
      ? await readAggregatorLeaves(source.client, post, account, source.rewards)
      : await readFromBundle(ctx, post, account);
  for (const { leaf, proof } of result.leaves)
    if (!verifyMerkleProof(post.root, hashRewardLeaf(leaf), proof))
      throw result.source === "aggregator"
        ? new CliError(
            "AGGREGATOR_PROOF_INVALID",
            `The aggregator at ${result.from} is not trusted: the proof it gave for pool ${leaf.poolId} does not ` +
              `lead to epoch ${post.epoch}'s on-chain root ${post.root}.`,
            {
              data: { aggregator: result.from, epoch: post.epoch.toString(), poolId: leaf.poolId, root: post.root },
              hint: "Read the epoch bundles instead with --no-aggregator.",
            },
          )
        : new CliError(
            "AUDIT_MISMATCH",
            `The proof from the bundle for pool ${leaf.poolId} does not lead to epoch ${post.epoch}'s on-chain ` +
              `root ${post.root}.`,
          );
  return { ...result, epoch: post.epoch, root: post.root };
}

async function readFromBundle(ctx: CommandContext, post: EpochPost, account: Address): Promise<AccountLeaves> {
  const downloaded = await downloadBundle(ctx, post.bundleURI, `Epoch ${post.epoch} bundle`);
  if (downloaded.hash !== post.bundleHash)
    throw new CliError(
      "BUNDLE_HASH_MISMATCH",
      `The bundle at ${post.bundleURI} hashes to ${downloaded.hash}, not to the ${post.bundleHash} posted for epoch ` +
        `${post.epoch}.`,
    );
  const bundle = parseDownloadedBundle(downloaded.bytes, { skipTicketsAndReceipts: true });
  if (bundle.leaves.length === 0) {
    if (post.root !== EMPTY_EPOCH_ROOT)
      throw new CliError(
        "AUDIT_MISMATCH",
        `Epoch ${post.epoch}'s bundle has no leaves, but its posted root ${post.root} is not the empty-epoch root.`,
      );
    return { epoch: post.epoch, root: post.root, source: "bundle", from: post.bundleURI, leaves: [] };
  }
  const tree = buildRewardTree(bundle.leaves, await createFastKeccak256());
  if (tree.root !== post.root)
    throw new CliError(
      "AUDIT_MISMATCH",
      `The leaves of epoch ${post.epoch}'s bundle make root ${tree.root}, not the ${post.root} posted on chain.`,
    );
  const mine = account.toLowerCase();
  const leaves: AccountLeaves["leaves"] = [];
  bundle.leaves.forEach((l, i) => {
    if (l.account === mine) {
      const { line: _line, ...leaf } = l;
      leaves.push({ leaf, proof: tree.getProof(i) });
    }
  });
  return { epoch: post.epoch, root: post.root, source: "bundle", from: post.bundleURI, leaves };
}
