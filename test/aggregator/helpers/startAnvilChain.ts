// A real Anvil chain (npm package @foundry-rs/anvil-linux-amd64) for the aggregator tests, with the same accounts
// as startLocalChain's Hardhat node, so deployMeshpay and the roles work on it unchanged. No tests here.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createPublicClient, createTestClient, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { freePort, type LocalChain } from "./localChain.ts";

const root = resolve(import.meta.dirname, "../../..");
const MNEMONIC = "test test test test test test test test test test test junk";
export const anvilBin = resolve(root, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

/** Starts Anvil on a free port, a block every `blockTimeSeconds` (transactions wait for it), chain id 31337. */
export async function startAnvilChain(options: { blockTimeSeconds?: number } = {}): Promise<LocalChain> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    anvilBin,
    ["--port", String(port), "--host", "127.0.0.1", "--block-time", String(options.blockTimeSeconds ?? 1)],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 }) as PublicClient;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await publicClient.getChainId();
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not start on port ${port}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const testClient = createTestClient({ chain: hardhat, mode: "anvil", transport, pollingInterval: 100 });
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
    testClient: testClient as unknown as LocalChain["testClient"],
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
