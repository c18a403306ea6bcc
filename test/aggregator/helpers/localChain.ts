// A real local chain for the aggregator tests: a `hardhat node` process, the contracts deployed from the build
// artifacts with viem, and named wallets. No tests here.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import {
  type Abi,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  type WalletClient,
} from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { rewardDistributorAbi, testTokenAbi } from "../../../src/contracts/abis.ts";

const root = resolve(import.meta.dirname, "../../..");
const MNEMONIC = "test test test test test test test test test test test junk";

export function artifact(path: string): { abi: Abi; bytecode: Hex } {
  const a = JSON.parse(readFileSync(resolve(root, "artifacts/contracts", path), "utf8")) as { abi: Abi; bytecode: Hex };
  return { abi: a.abi, bytecode: a.bytecode };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export type LocalChain = {
  rpcUrl: string;
  port: number;
  publicClient: PublicClient;
  testClient: ReturnType<typeof createTestClient>;
  account(index: number): HDAccount;
  privateKey(index: number): Hex;
  wallet(index: number): WalletClient;
  stop(): Promise<void>;
};

/** Starts `hardhat node` on a free port (interval mining every `blockMs`, like a real chain) and waits for it. */
export async function startLocalChain(options: { blockMs?: number } = {}): Promise<LocalChain> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    resolve(root, "node_modules/.bin/hardhat"),
    ["node", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 }) as PublicClient;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await publicClient.getChainId();
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`hardhat node did not start on port ${port}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const testClient = createTestClient({ chain: hardhat, mode: "hardhat", transport, pollingInterval: 100 });
  // viem's setIntervalMining takes seconds; the RPC takes milliseconds.
  await testClient.request({ method: "evm_setIntervalMining", params: [options.blockMs ?? 1000] } as never);
  const accounts = new Map<number, HDAccount>();
  const account = (i: number) => {
    let a = accounts.get(i);
    if (!a) {
      a = mnemonicToAccount(MNEMONIC, { addressIndex: i });
      accounts.set(i, a);
    }
    return a;
  };
  return {
    rpcUrl,
    port,
    publicClient,
    testClient,
    account,
    privateKey: (i) => `0x${Buffer.from(account(i).getHdKey().privateKey!).toString("hex")}` as Hex,
    wallet: (i) => createWalletClient({ account: account(i), chain: hardhat, transport, pollingInterval: 100 }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Account indexes of the roles. */
export const roles = {
  admin: 0,
  guardian: 1,
  arbiter: 2,
  treasury: 3,
  broadcaster: 4,
  aggregator: 5,
  challenger: 6,
  relay: 7,
  relay2: 8,
  relay3: 9,
} as const;

export type Deployment = {
  distributor: Hex;
  token: Hex;
  fromBlock: bigint;
  genesisTime: number;
  config: {
    epochSeconds: bigint;
    graceSeconds: bigint;
    challengeWindow: bigint;
    aggregatorBond: bigint;
    challengerBond: bigint;
  };
};

/** Deploys the RewardDistributor (genesis = now, rounded down) and a TestToken; registers the aggregator account. */
export async function deployMeshpay(
  chain: LocalChain,
  params: {
    epochSeconds?: number;
    graceSeconds?: number;
    challengeWindow?: number;
    arbiterTimeout?: number;
    registerAggregator?: boolean;
    genesisAgo?: number;
  } = {},
): Promise<Deployment> {
  const admin = chain.wallet(roles.admin);
  const fromBlock = await chain.publicClient.getBlockNumber();
  const latest = await chain.publicClient.getBlock();
  const genesisTime = Number(latest.timestamp) - (params.genesisAgo ?? 0);
  const config = {
    genesisTime: BigInt(genesisTime),
    epochSeconds: BigInt(params.epochSeconds ?? 6),
    graceSeconds: BigInt(params.graceSeconds ?? 1),
    challengeWindow: BigInt(params.challengeWindow ?? 4),
    // (challengeWindow + arbiterTimeout) / epochSeconds + 8 must stay within maxPending() (64).
    arbiterTimeout: BigInt(
      params.arbiterTimeout ?? Math.min(600, 50 * (params.epochSeconds ?? 6) - (params.challengeWindow ?? 4)),
    ),
    aggregatorBond: parseEther("1"),
    challengerBond: parseEther("0.1"),
    challengerShareBps: 5_000n,
  };
  const dist = artifact("RewardDistributor.sol/RewardDistributor.json");
  const hash = await admin.deployContract({
    abi: dist.abi,
    bytecode: dist.bytecode,
    args: [
      chain.account(roles.admin).address,
      chain.account(roles.guardian).address,
      chain.account(roles.arbiter).address,
      chain.account(roles.treasury).address,
      config,
    ],
    account: chain.account(roles.admin),
    chain: hardhat,
  });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  const distributor = receipt.contractAddress!.toLowerCase() as Hex;
  const tok = artifact("mocks/TestToken.sol/TestToken.json");
  const tokenHash = await admin.deployContract({
    abi: tok.abi,
    bytecode: tok.bytecode,
    args: ["Test USD", "TUSD", 6],
    account: chain.account(roles.admin),
    chain: hardhat,
  });
  const token = (
    await chain.publicClient.waitForTransactionReceipt({ hash: tokenHash })
  ).contractAddress!.toLowerCase() as Hex;
  if (params.registerAggregator ?? true) {
    const h = await chain.wallet(roles.aggregator).writeContract({
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: "registerAggregator",
      value: config.aggregatorBond,
      account: chain.account(roles.aggregator),
      chain: hardhat,
    });
    await chain.publicClient.waitForTransactionReceipt({ hash: h });
  }
  return { distributor, token, fromBlock, genesisTime, config };
}

/**
 * Creates a pool owned by the broadcaster with `ticketSignerIndex`'s address as ticket signer, funded with `funding`.
 */
export async function createFundedPool(
  chain: LocalChain,
  d: Deployment,
  params: { pricePerGB: bigint; funding: bigint; ticketSigner: Hex },
): Promise<Hex> {
  const b = chain.wallet(roles.broadcaster);
  const account = chain.account(roles.broadcaster);
  const { result: poolId, request } = await chain.publicClient.simulateContract({
    address: d.distributor,
    abi: rewardDistributorAbi,
    functionName: "createPool",
    args: [d.token, params.pricePerGB, params.ticketSigner, "ipfs://test-pool"],
    account,
  });
  await chain.publicClient.waitForTransactionReceipt({ hash: await b.writeContract(request) });
  if (params.funding > 0n) await fundPool(chain, d, poolId, params.funding);
  return poolId.toLowerCase() as Hex;
}

export async function fundPool(chain: LocalChain, d: Deployment, poolId: Hex, amount: bigint): Promise<void> {
  const b = chain.wallet(roles.broadcaster);
  const account = chain.account(roles.broadcaster);
  for (const [functionName, args, address, abi] of [
    ["mint", [account.address, amount], d.token, testTokenAbi],
    ["approve", [d.distributor, amount], d.token, testTokenAbi],
    ["fund", [poolId, amount], d.distributor, rewardDistributorAbi],
  ] as const) {
    const hash = await b.writeContract({
      address,
      abi: abi as Abi,
      functionName,
      args: args as unknown as unknown[],
      account,
      chain: hardhat,
    });
    const r = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`${functionName} reverted`);
  }
}
