import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getAddress } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import { MAX_PENDING_EPOCHS } from "../../../protocol/constants.ts";
import type { Address } from "../../../protocol/types.ts";
import { toJsonSafe } from "../../../protocol/utils/toJsonSafe.ts";
import { openRpc } from "../../chain/connectChain.ts";
import { parseInteger } from "../../chain/parseArguments.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { projectRoot } from "../../context/projectRoot.ts";
import { resolveFromSourceCheckout } from "../../context/resolveFromSourceCheckout.ts";
import { getDeploymentPath, resolvePath } from "../../context/resolvePath.ts";
import type { Deployment } from "../../deployment/Deployment.ts";
import { writeDeployment } from "../../deployment/writeDeployment.ts";
import { CliError } from "../../errors/CliError.ts";
import { toCliError } from "../../errors/toCliError.ts";
import { formatDuration } from "../../format/formatTime.ts";
import { parseDuration } from "../../format/parseDuration.ts";
import { getIdleBlocksHint } from "./getIdleBlocksHint.ts";
import { type DevConfig, pickDevConfig } from "./pickDevConfig.ts";

export type DeployDevArgs = {
  epochSeconds?: string;
  graceSeconds?: string;
  challengeWindow?: string;
  arbiterTimeout?: string;
  /** Unix seconds; default: the chain's current time rounded down to a whole epoch, so epoch 0 is now. */
  genesisTime?: string;
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
  const fromFile = args.parameters ? readParameters(resolvePath(ctx.deps, args.parameters)) : {};
  const meshPay: Record<string, unknown> = { ...(fromFile.MeshPay ?? {}) };
  const seconds = (v: string | undefined, name: string) => (v === undefined ? undefined : parseDuration(v, name));
  const set = (key: string, v: bigint | undefined) => {
    if (v !== undefined) meshPay[key] = v;
  };
  set("epochSeconds", seconds(args.epochSeconds, "epoch length"));
  set("graceSeconds", seconds(args.graceSeconds, "grace period"));
  set("challengeWindow", seconds(args.challengeWindow, "challenge window"));
  set("arbiterTimeout", seconds(args.arbiterTimeout, "arbiter timeout"));
  const epochSeconds = BigInt((meshPay.epochSeconds as bigint | number | string | undefined) ?? 60n);
  if (epochSeconds === 0n) throw new CliError("USAGE", "The epoch length must be at least one second.");
  // The contract refuses windows that span more epochs than may be pending at once (ConfigInvalid("epochSeconds")).
  const challengeWindow = BigInt((meshPay.challengeWindow as bigint | number | string | undefined) ?? 300n);
  const arbiterTimeout = BigInt((meshPay.arbiterTimeout as bigint | number | string | undefined) ?? 600n);
  if ((challengeWindow + arbiterTimeout) / epochSeconds + 8n > BigInt(MAX_PENDING_EPOCHS))
    throw new CliError(
      "USAGE",
      `With ${formatDuration(epochSeconds)} epochs, the challenge window (${formatDuration(challengeWindow)}) plus ` +
        `the arbiter timeout (${formatDuration(arbiterTimeout)}) may span at most ${MAX_PENDING_EPOCHS - 8} epochs ` +
        `(${formatDuration(BigInt(MAX_PENDING_EPOCHS - 8) * epochSeconds)}): the contract keeps at most ` +
        `${MAX_PENDING_EPOCHS} epochs pending.`,
      { hint: "Shorten them with --challenge-window and --arbiter-timeout, or lengthen --epoch-seconds." },
    );
  const head = await client.getBlock({ blockTag: "latest" });
  meshPay.genesisTime =
    args.genesisTime !== undefined
      ? parseInteger(args.genesisTime, "genesis time")
      : (meshPay.genesisTime ?? head.timestamp - (head.timestamp % epochSeconds));

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

function readParameters(path: string): Record<string, Record<string, unknown>> {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new CliError("USAGE", `The parameters file ${path} cannot be read as JSON.`, { cause });
  }
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
