import type { PublicClient } from "viem";
import type { Address } from "../../protocol/types.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { getDeploymentPath } from "../context/resolvePath.ts";
import type { Deployment } from "../deployment/Deployment.ts";
import { readDeployment } from "../deployment/readDeployment.ts";
import { CliError } from "../errors/CliError.ts";
import { toCliError } from "../errors/toCliError.ts";
import type { TokenInfo } from "../format/formatAmount.ts";
import { readTokenInfo } from "./readTokenInfo.ts";

/** A deployment reached over its RPC. */
export type Chain = {
  deployment: Deployment;
  deploymentPath: string;
  rpcUrl: string;
  chainId: number;
  publicClient: PublicClient;
  distributor: Address;
  fromBlock: bigint;
  /** Most blocks one eth_getLogs query spans (MESHPAY_LOG_BLOCK_RANGE, the deployment's logBlockRange, or 1,000). */
  logBlockRange: bigint;
  /** Symbol and decimals of a token (cached). */
  token(address: Address): Promise<TokenInfo>;
  /** The latest block's timestamp (unix seconds): "now" as the contract sees it. */
  chainTime(): Promise<bigint>;
};

/**
 * Reads the deployment file and connects to its chain (RPC from --rpc, MESHPAY_RPC_URL or the file). Throws
 * RPC_UNREACHABLE when the endpoint does not answer and CHAIN_MISMATCH when it serves another chain.
 */
export async function connectChain(ctx: CommandContext): Promise<Chain> {
  const deploymentPath = getDeploymentPath(ctx.deps, ctx.globals);
  const deployment = readDeployment(deploymentPath);
  const rpcUrl = ctx.globals.rpc || ctx.deps.env.MESHPAY_RPC_URL || deployment.rpcUrl;
  const publicClient = await openRpc(ctx, rpcUrl);
  const chainId = await publicClient.getChainId();
  if (chainId !== deployment.chainId)
    throw new CliError(
      "CHAIN_MISMATCH",
      `${rpcUrl} serves chain ${chainId}, but the deployment ${deploymentPath} is on chain ${deployment.chainId}.`,
    );
  const tokens = new Map<string, Promise<TokenInfo>>();
  const rangeText = ctx.deps.env.MESHPAY_LOG_BLOCK_RANGE?.trim();
  if (rangeText !== undefined && rangeText !== "" && !/^[1-9]\d*$/.test(rangeText))
    throw new CliError("USAGE", `MESHPAY_LOG_BLOCK_RANGE must be a positive whole number of blocks, not ${rangeText}.`);
  const logBlockRange = BigInt(rangeText || deployment.logBlockRange || 1_000);
  return {
    deployment,
    deploymentPath,
    rpcUrl,
    chainId,
    publicClient,
    distributor: deployment.distributor,
    fromBlock: BigInt(deployment.fromBlock),
    logBlockRange,
    token(address) {
      const key = address.toLowerCase();
      if (!tokens.has(key)) tokens.set(key, readTokenInfo(publicClient, address));
      return tokens.get(key)!;
    },
    async chainTime() {
      return (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
    },
  };
}

/** A public client for `rpcUrl` that has answered once (RPC_UNREACHABLE otherwise). */
export async function openRpc(ctx: CommandContext, rpcUrl: string): Promise<PublicClient> {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new CliError("USAGE", `The RPC URL ${JSON.stringify(rpcUrl)} is not a URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError("USAGE", `The RPC URL must be http(s), not ${url.protocol}`);
  const publicClient = ctx.deps.createPublicClient(rpcUrl);
  try {
    await publicClient.getChainId();
  } catch (err) {
    const e = toCliError(err);
    if (e.code === "RPC_UNREACHABLE" || e.code === "INTERNAL")
      throw new CliError("RPC_UNREACHABLE", `The chain's RPC endpoint ${rpcUrl} does not answer.`, {
        cause: err,
        hint: "Is the node running (meshpay dev node)? Check --rpc, MESHPAY_RPC_URL or the deployment file's rpcUrl.",
      });
    throw e;
  }
  return publicClient;
}
