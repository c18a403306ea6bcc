import { getEpochLeaf } from "../../client/getEpochLeaf.ts";
import type { AggregatorClient } from "../../client/ServiceClient.ts";
import type { AccountRewards } from "../../client/types.ts";
import { rewardLeafFromJson } from "../../protocol/bundle/rewardLeafFromJson.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import type { EpochPost } from "../chain/readEpochPost.ts";
import { CliError } from "../errors/CliError.ts";
import type { AccountLeaves } from "./readAccountLeaves.ts";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The account's leaves of one posted epoch as the aggregator serves them, for the pools its
 * GET /v1/accounts/:account/rewards answer lists: that answer's claim (leaf and proof) when it is for this epoch's
 * posted bundle, else GET /v1/epochs/:epoch/leaves/:poolId/:account?hash=<posted bundleHash> (LEAF_NOT_FOUND: no
 * leaf in that pool). Checks that each leaf is the account's in the pool asked for (AGGREGATOR_PROOF_INVALID);
 * the caller verifies every proof against the on-chain root, so a lying aggregator cannot make the CLI show or claim
 * a wrong amount. Transport and status errors are the client's MeshpayApiError (the caller may fall back).
 */
export async function readAggregatorLeaves(
  client: AggregatorClient,
  post: EpochPost,
  account: Address,
  rewards: AccountRewards,
): Promise<AccountLeaves> {
  const leaves: AccountLeaves["leaves"] = [];
  for (const pool of rewards.pools) {
    const poolId = pool.poolId.toLowerCase() as Hex;
    const claim = pool.claim;
    const served =
      claim && BigInt(claim.epoch) === post.epoch && claim.bundleHash.toLowerCase() === post.bundleHash
        ? { leaf: claim.leaf, proof: claim.proof }
        : await getEpochLeaf(client, { epoch: post.epoch, poolId, account, bundleHash: post.bundleHash });
    if (served === null) continue;
    const where = `epoch ${post.epoch}, pool ${poolId}`;
    if (!Array.isArray(served.proof) || served.proof.some((p) => typeof p !== "string" || !BYTES32.test(p)))
      throw refused(client, `its proof for ${where} is not a list of 32-byte hex values`);
    let leaf: RewardLeaf;
    try {
      leaf = rewardLeafFromJson(served.leaf);
    } catch (cause) {
      throw refused(client, `its leaf for ${where} is malformed (${(cause as Error).message})`, cause);
    }
    if (leaf.account !== account.toLowerCase() || leaf.poolId !== poolId)
      throw refused(client, `for ${where} it served the leaf of ${leaf.account} in pool ${leaf.poolId}`);
    leaves.push({ leaf, proof: served.proof.map((p) => p.toLowerCase() as Hex) });
  }
  return { epoch: post.epoch, root: post.root, source: "aggregator", from: client.url, leaves };
}

function refused(client: AggregatorClient, what: string, cause?: unknown): CliError {
  return new CliError("AGGREGATOR_PROOF_INVALID", `The aggregator at ${client.url} is not trusted: ${what}.`, {
    ...(cause === undefined ? {} : { cause }),
    data: { aggregator: client.url },
    hint: "Read the epoch bundles instead with --no-aggregator.",
  });
}
