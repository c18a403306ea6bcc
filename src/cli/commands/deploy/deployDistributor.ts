import { existsSync } from "node:fs";
import { erc20Abi, getAddress, type Hash, type PublicClient, type TransactionReceipt } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import { meshpayHasherDeploy, rewardDistributorDeploy } from "../../../contracts/bytecodes.ts";
import type { DistributorConfig } from "../../../contracts/DistributorConfig.ts";
import type { Address } from "../../../protocol/types.ts";
import { openRpc } from "../../chain/connectChain.ts";
import { parseAddress } from "../../chain/parseArguments.ts";
import { readTokenInfo } from "../../chain/readTokenInfo.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { getDeploymentPath, resolvePath } from "../../context/resolvePath.ts";
import type { Deployment } from "../../deployment/Deployment.ts";
import type { DistributorParameterArgs } from "../../deployment/DistributorParameters.ts";
import { readDeployment } from "../../deployment/readDeployment.ts";
import { readParametersFile } from "../../deployment/readParametersFile.ts";
import { resolveDistributorParameters } from "../../deployment/resolveDistributorParameters.ts";
import { writeDeployment } from "../../deployment/writeDeployment.ts";
import { CliError } from "../../errors/CliError.ts";
import { toCliError } from "../../errors/toCliError.ts";
import type { TokenInfo } from "../../format/formatAmount.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type DeployArgs = DistributorParameterArgs & {
  /** The ERC-20 pools are funded with by default (`meshpay pool create` without --token). */
  token: string;
  /** A keystore file to sign with; overrides MESHPAY_PRIVATE_KEY and --keystore. */
  key?: string;
  /** Where to write the deployment file (default: --deployment, MESHPAY_DEPLOYMENT or .meshpay/deployment.json). */
  out?: string;
  /** An Ignition parameters file; its "MeshPay" section is read under the options. */
  parameters?: string;
};

export type DeployTransaction = { step: string; hash: Hash; block: string; gasUsed: string; address?: Address };

export type DeployResult = {
  deploymentFile: string;
  chainId: number;
  rpcUrl: string;
  distributor: Address;
  hasher: Address;
  token: TokenInfo;
  deployer: Address;
  admin: Address;
  guardian: Address;
  arbiter: Address;
  treasury: Address;
  fromBlock: string;
  config: DistributorConfig;
  transactions: DeployTransaction[];
};

/**
 * `meshpay deploy`: deploys what ignition/modules/MeshPay.ts deploys (RewardDistributor, its epoch ring pre-paid in
 * two prepareEpochRing calls, MeshpayHasher) to any RPC, signed by a local key, from the creation code in
 * src/contracts/bytecodes.ts (no Hardhat at run time). Every parameter is checked before anything is sent (the same
 * rules as `meshpay dev deploy`); each transaction is printed and waited for; the deployment file is written as soon
 * as the distributor exists (so an interruption never loses its address) and again at the end. An existing file for
 * another chain, or for a distributor that exists on this chain, is refused rather than overwritten.
 */
export async function deployDistributor(args: DeployArgs, ctx: CommandContext): Promise<DeployResult> {
  const rpcUrl = ctx.globals.rpc || ctx.deps.env.MESHPAY_RPC_URL;
  if (!rpcUrl)
    throw new CliError("USAGE", "meshpay deploy needs the chain's RPC URL: --rpc <url> (or MESHPAY_RPC_URL).");
  const token = parseAddress(args.token, "token");
  const client = await openRpc(ctx, rpcUrl);
  const chainId = await client.getChainId();
  const deploymentFile = args.out ? resolvePath(ctx.deps, args.out) : getDeploymentPath(ctx.deps, ctx.globals);
  await refuseExisting(client, deploymentFile, chainId, rpcUrl, ctx);
  const tokenInfo = await checkToken(client, token);

  // --key names a keystore: it wins over MESHPAY_PRIVATE_KEY, which resolveSigner would otherwise prefer.
  const signerCtx: CommandContext = args.key
    ? {
        ...ctx,
        deps: { ...ctx.deps, env: { ...ctx.deps.env, MESHPAY_PRIVATE_KEY: undefined } },
        globals: { ...ctx.globals, keystore: args.key },
      }
    : ctx;
  const signer = await resolveSigner(signerCtx, "Deploying");
  const deployer = signer.account.address;
  const fromFile = args.parameters ? readParametersFile(resolvePath(ctx.deps, args.parameters)) : {};
  const head = await client.getBlock({ blockTag: "latest" });
  const parameters = resolveDistributorParameters(args, (fromFile.MeshPay ?? {}) as Record<string, unknown>, {
    guardian: deployer,
    arbiter: deployer,
    treasury: deployer,
    chainTime: head.timestamp,
  });
  const { admin, guardian, arbiter, treasury, config } = parameters;

  const wallet = ctx.deps.createWalletClient(rpcUrl, signer.account, chainId);
  const transactions: DeployTransaction[] = [];
  const send = async (step: string, submit: () => Promise<Hash>): Promise<TransactionReceipt> => {
    let receipt: TransactionReceipt;
    try {
      const hash = await submit();
      ctx.output.info(`${step}: transaction ${hash}`);
      receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 250, timeout: 600_000 });
    } catch (err) {
      throw toCliError(err, undefined, step);
    }
    if (receipt.status !== "success")
      throw new CliError(
        "TRANSACTION_FAILED",
        `${step} failed: transaction ${receipt.transactionHash} was mined but reverted.`,
        {
          data: { hash: receipt.transactionHash },
        },
      );
    const address = receipt.contractAddress ?? undefined;
    ctx.output.info(`  mined in block ${receipt.blockNumber}, gas ${receipt.gasUsed}${address ? `: ${address}` : ""}`);
    transactions.push({
      step,
      hash: receipt.transactionHash,
      block: receipt.blockNumber.toString(),
      gasUsed: receipt.gasUsed.toString(),
      ...(address ? { address } : {}),
    });
    return receipt;
  };

  ctx.output.info(`Deploying meshpay to chain ${chainId} at ${rpcUrl} from ${deployer}…`);
  const created = await send("Deploying RewardDistributor", () =>
    wallet.deployContract({
      account: signer.account,
      chain: wallet.chain,
      abi: rewardDistributorDeploy.abi,
      bytecode: rewardDistributorDeploy.bytecode,
      args: [admin, guardian, arbiter, treasury, config],
    }),
  );
  const distributor = created.contractAddress!;
  const deployment: Deployment = {
    format: "meshpay-deployment",
    version: 1,
    chainId,
    rpcUrl,
    distributor,
    // Checksummed, as Ignition's dev deployment writes it.
    token: getAddress(token),
    fromBlock: created.blockNumber.toString(),
    deployer,
    deployedAt: new Date(ctx.deps.now()).toISOString(),
  };
  writeDeployment(deploymentFile, deployment);
  // Pre-pays the 256-slot epoch ring (what Ignition's MeshPay module does), so every epoch post costs the same.
  for (const [start, count, half] of [
    [0n, 128n, "low"],
    [128n, 128n, "high"],
  ] as const)
    await send(`Preparing the epoch ring (${half} half)`, () =>
      wallet.writeContract({
        account: signer.account,
        chain: wallet.chain,
        address: distributor,
        abi: rewardDistributorAbi,
        functionName: "prepareEpochRing",
        args: [start, count],
      }),
    );
  const hasherReceipt = await send("Deploying MeshpayHasher", () =>
    wallet.deployContract({
      account: signer.account,
      chain: wallet.chain,
      abi: meshpayHasherDeploy.abi,
      bytecode: meshpayHasherDeploy.bytecode,
    }),
  );
  const hasher = hasherReceipt.contractAddress!;
  writeDeployment(deploymentFile, { ...deployment, hasher });
  const onChain = await client.readContract({
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: "config",
  });
  return {
    deploymentFile,
    chainId,
    rpcUrl,
    distributor,
    hasher,
    token: tokenInfo,
    deployer,
    admin,
    guardian,
    arbiter,
    treasury,
    fromBlock: deployment.fromBlock,
    config: onChain,
    transactions,
  };
}

/** An existing deployment file is only replaced when it describes nothing that exists (a reset local chain). */
async function refuseExisting(
  client: PublicClient,
  path: string,
  chainId: number,
  rpcUrl: string,
  ctx: CommandContext,
): Promise<void> {
  if (!existsSync(path)) return;
  const existing = readDeployment(path);
  if (existing.chainId !== chainId)
    throw new CliError(
      "CHAIN_MISMATCH",
      `The deployment file ${path} is for chain ${existing.chainId}, but ${rpcUrl} serves chain ${chainId}: it is not ` +
        `overwritten.`,
      { hint: "Write this deployment elsewhere with --out <file> (or --deployment), or check --rpc." },
    );
  const code = await client.getCode({ address: existing.distributor });
  if (code && code !== "0x")
    throw new CliError(
      "DEPLOYMENT_EXISTS",
      `The deployment file ${path} already describes RewardDistributor ${existing.distributor} on chain ${chainId}, ` +
        `and it exists: it is not overwritten.`,
      {
        hint: "Use that deployment as it is, or write a new one elsewhere with --out <file> (or --deployment).",
        data: { distributor: existing.distributor, chainId },
      },
    );
  ctx.output.warn(
    `${path} names ${existing.distributor} on chain ${chainId}, which has no code there (a reset chain): replacing it.`,
  );
}

/** The token must be a contract that answers ERC-20 calls: a typo would otherwise become every pool's default. */
async function checkToken(client: PublicClient, token: Address): Promise<TokenInfo> {
  const code = await client.getCode({ address: token });
  if (!code || code === "0x")
    throw new CliError("USAGE", `There is no contract at the token address ${token} on this chain.`, {
      hint: "--token takes the ERC-20 pools are funded with (e.g. a stablecoin's address on this chain).",
    });
  try {
    await client.readContract({ address: token, abi: erc20Abi, functionName: "totalSupply" });
  } catch (cause) {
    throw new CliError("USAGE", `The contract at ${token} does not answer as an ERC-20 (totalSupply()).`, { cause });
  }
  return readTokenInfo(client, token);
}
