import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getAddress } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address } from "../../../protocol/types.ts";
import { toJsonSafe } from "../../../protocol/utils/toJsonSafe.ts";
import { openRpc } from "../../chain/connectChain.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { projectRoot } from "../../context/projectRoot.ts";
import { resolveFromSourceCheckout } from "../../context/resolveFromSourceCheckout.ts";
import { getDeploymentPath, resolvePath } from "../../context/resolvePath.ts";
import type { Deployment } from "../../deployment/Deployment.ts";
import type { DistributorParameterArgs } from "../../deployment/DistributorParameters.ts";
import { readParametersFile } from "../../deployment/readParametersFile.ts";
import { resolveDistributorParameters } from "../../deployment/resolveDistributorParameters.ts";
import { writeDeployment } from "../../deployment/writeDeployment.ts";
import { CliError } from "../../errors/CliError.ts";
import { toCliError } from "../../errors/toCliError.ts";
import { getIdleBlocksHint } from "./getIdleBlocksHint.ts";
import { type DevConfig, pickDevConfig } from "./pickDevConfig.ts";

export type DeployDevArgs = DistributorParameterArgs & {
  /** An Ignition parameters JSON file ({ "MeshPay": {...}, "LocalDev": {...} }), merged under the options above. */
  parameters?: string;
  /** Set by `meshpay dev node`, which mines a block every --block-time itself. */
  intervalMiningOn?: boolean;
};

export type DeployDevResult = {
  deploymentFile: string;
  chainId: number;
  rpcUrl: string;
  distributor: Address;
  token: Address;
  hasher: Address;
  deployer: Address;
  fromBlock: string;
  config: DevConfig;
};

/**
 * `meshpay dev deploy`: deploys ignition/modules/LocalDev.ts (RewardDistributor, MeshpayHasher, a test ERC-20) with
 * Hardhat Ignition, programmatically (@nomicfoundation/ignition-core, in memory: no journal under ignition/deployments,
 * so parallel local chains never clash), from the node's first unlocked account, and writes the deployment file the
 * other commands read. The genesis time defaults to the chain's current time rounded down to an epoch.
 */
export async function deployDev(args: DeployDevArgs, ctx: CommandContext): Promise<DeployDevResult> {
  // From the checkout, not the package: Ignition is a devDependency (see resolveFromSourceCheckout).
  const ignition = resolveFromSourceCheckout("@nomicfoundation/ignition-core", "dev deploy");
  const rpcUrl = ctx.globals.rpc || ctx.deps.env.MESHPAY_RPC_URL || "http://127.0.0.1:8545";
  const client = await openRpc(ctx, rpcUrl);
  const chainId = await client.getChainId();
  const accounts = ((await client.request({ method: "eth_accounts" } as never)) as Address[]).map((a) => getAddress(a));
  if (accounts.length === 0)
    throw new CliError(
      "USAGE",
      `The node at ${rpcUrl} has no unlocked accounts: dev deploy is for a local Hardhat node (meshpay dev node).`,
    );
  const fromFile = args.parameters ? readParametersFile(resolvePath(ctx.deps, args.parameters)) : {};
  const head = await client.getBlock({ blockTag: "latest" });
  // Hardhat's accounts: #1 administers (the admin may hold no other role), #0 deploys and holds the other roles.
  const parameters = resolveDistributorParameters(args, (fromFile.MeshPay ?? {}) as Record<string, unknown>, {
    ...(accounts[1] ? { admin: accounts[1] } : {}),
    guardian: accounts[0]!,
    arbiter: accounts[0]!,
    treasury: accounts[0]!,
    chainTime: head.timestamp,
  });
  const { admin, guardian, arbiter, treasury } = parameters;
  const meshPay = { ...(fromFile.MeshPay ?? {}), ...parameters.config, admin, guardian, arbiter, treasury };

  const { deploy } = (await import(pathToFileURL(ignition).href)) as typeof import("@nomicfoundation/ignition-core");
  const module = (await import(pathToFileURL(join(projectRoot, "ignition/modules/LocalDev.ts")).href)).default;
  const artifacts = indexArtifacts();
  ctx.output.info(`Deploying ignition/modules/LocalDev.ts to chain ${chainId} at ${rpcUrl} from ${accounts[0]}…`);
  let result;
  try {
    result = await deploy({
      provider: { request: (req: { method: string; params?: unknown[] }) => client.request(req as never) } as never,
      artifactResolver: {
        loadArtifact: async (name: string) => {
          const path = artifacts.get(name);
          if (!path)
            throw new CliError(
              "DEPLOYMENT_INVALID",
              `No artifact for ${name}: build the contracts (npx hardhat build).`,
            );
          return JSON.parse(readFileSync(path, "utf8"));
        },
        getBuildInfo: async () => undefined,
      },
      ignitionModule: module,
      deploymentParameters: { ...fromFile, MeshPay: meshPay } as never,
      accounts,
      defaultSender: accounts[0]!,
      config: { requiredConfirmations: 1 },
    });
  } catch (err) {
    throw toCliError(err, undefined, "Deploying");
  }
  if (result.type !== "SUCCESSFUL_DEPLOYMENT")
    throw new CliError("TRANSACTION_FAILED", `Ignition could not deploy: ${result.type}.`, {
      data: { result: toJsonSafe(result) },
    });
  const contracts = result.contracts as Record<string, { address: Address }>;
  const distributor = contracts["MeshPay#RewardDistributor"]!.address;
  const token = contracts["LocalDev#TestToken"]!.address;
  const hasher = contracts["MeshPay#MeshpayHasher"]!.address;
  const config = await client.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "config" });
  const deployment: Deployment = {
    format: "meshpay-deployment",
    version: 1,
    chainId,
    rpcUrl,
    distributor,
    token,
    hasher,
    fromBlock: (head.number + 1n).toString(),
    deployer: accounts[0]!,
    deployedAt: new Date(ctx.deps.now()).toISOString(),
  };
  const deploymentFile = getDeploymentPath(ctx.deps, ctx.globals);
  writeDeployment(deploymentFile, deployment);
  // The aggregator needs blocks after each epoch's close: say how to get them on this node (not with dev node,
  // which turns interval mining on itself).
  const clientVersion = await client.request({ method: "web3_clientVersion" } as never).catch(() => "");
  const hint = getIdleBlocksHint(String(clientVersion));
  if (hint && !args.intervalMiningOn) {
    if (/^anvil/i.test(String(clientVersion))) ctx.output.warn(`meshpay: ${hint}`);
    else ctx.output.info(hint);
  }
  return {
    deploymentFile,
    chainId,
    rpcUrl,
    distributor,
    token,
    hasher,
    deployer: accounts[0]!,
    fromBlock: deployment.fromBlock,
    config: pickDevConfig(config),
  };
}

/** Contract name → artifact file, from artifacts/contracts (built by `npx hardhat build`). */
function indexArtifacts(): Map<string, string> {
  const root = join(projectRoot, "artifacts/contracts");
  if (!existsSync(root))
    throw new CliError(
      "DEPLOYMENT_INVALID",
      `No contract artifacts in ${root}: build the contracts first (npx hardhat build).`,
    );
  const index = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".json") && !name.endsWith(".dbg.json")) index.set(name.slice(0, -5), path);
    }
  };
  walk(root);
  return index;
}
