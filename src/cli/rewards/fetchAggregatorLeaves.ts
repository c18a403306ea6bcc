import { rewardLeafFromJson } from "../../protocol/bundle/rewardLeafFromJson.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import type { EpochPost } from "../chain/readEpochPost.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";
import { requestJson } from "../http/requestJson.ts";
import type { AccountLeaves } from "./readAccountLeaves.ts";

/**
 * An account's leaves of one posted epoch from the aggregator's leaf endpoint, one request per pool:
 * GET {aggregator}/v1/epochs/{epoch}/leaves/{poolId}/{account}?hash={bundleHash} → { root, leaf: {...}, proof }.
 * 404 LEAF_NOT_FOUND means no leaf in that pool. The caller verifies every proof against the on-chain root, so a
 * wrong answer cannot make the CLI show or claim a wrong amount.
 */
export async function fetchAggregatorLeaves(
  ctx: CommandContext,
  baseUrl: string,
  post: EpochPost,
  account: Address,
  poolIds: readonly Hex[],
): Promise<AccountLeaves> {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const leaves: AccountLeaves["leaves"] = [];
  for (const poolId of poolIds) {
    const url = new URL(
      `v1/epochs/${post.epoch}/leaves/${poolId}/${account.toLowerCase()}?hash=${post.bundleHash}`,
      base,
    ).toString();
    const { status, body } = await requestJson(ctx, "aggregator", url, { accept: [404] });
    if (status === 404) {
      const code = (body as { code?: unknown } | undefined)?.code;
      if (code === "LEAF_NOT_FOUND") continue;
      throw new CliError(
        "SERVICE_ERROR",
        `The aggregator at ${baseUrl} does not have epoch ${post.epoch} (${typeof code === "string" ? code : "404"}).`,
      );
    }
    const b = body as { leaf?: Record<string, unknown>; proof?: unknown } | undefined;
    if (!b?.leaf || typeof b.leaf !== "object")
      throw new CliError("SERVICE_ERROR", `The aggregator's answer from ${url} has no leaf.`);
    const proof = b.proof;
    if (!Array.isArray(proof) || proof.some((p) => typeof p !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(p)))
      throw new CliError("SERVICE_ERROR", `The aggregator's proof from ${url} is not a list of 32-byte hex.`);
    let leaf: RewardLeaf;
    try {
      leaf = rewardLeafFromJson(b.leaf);
    } catch (cause) {
      throw new CliError(
        "SERVICE_ERROR",
        `The aggregator's leaf from ${url} is malformed: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    if (leaf.account !== account.toLowerCase() || leaf.poolId !== poolId)
      throw new CliError(
        "SERVICE_ERROR",
        `The aggregator answered with the leaf of ${leaf.account} in pool ${leaf.poolId}, not the one asked for.`,
      );
    leaves.push({ leaf, proof: (proof as string[]).map((p) => p.toLowerCase() as Hex) });
  }
  return { epoch: post.epoch, root: post.root, source: "aggregator", from: baseUrl, leaves };
}
