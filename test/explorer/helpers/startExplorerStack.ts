// Test helper: the demo's setup on a local chain, driven to a state every explorer page has something to show:
// a pool funded by a broadcaster (meshpay CLI), two relays' receipts through the relay SDK to the real aggregator
// process, which closes and posts the epochs, the real verifier process auditing them, one claim, one challenge
// dismissed by the arbiter (CLI) and one left open, and relay B's later earnings pending behind it.
// Then `meshpay explorer` serving a fresh build of the app, with the chain's RPC and the aggregator behind proxies
// a test can cut or make lie.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../../src/contracts/abis.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { signedViewerTicketFromJson } from "../../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { createReceiver } from "../../../src/relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey } from "../../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import { createRelay } from "../../../src/relay-sdk/relay/createRelay.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  makeWorkDir,
  startAggregatorProcess,
} from "../../aggregator/helpers/aggregatorProcess.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "../../cli/helpers/deployWithCli.ts";
import { freePort, repoRoot, rpc } from "../../cli/helpers/startHardhatNode.ts";
import { waitFor } from "../../verifier/helpers/processes.ts";
import { type HttpProxy, startHttpProxy } from "./startHttpProxy.ts";

export const KEYS = {
  arbiter: DEV_KEYS[0],
  broadcaster: DEV_KEYS[1],
  challenger: DEV_KEYS[2],
  relayA: DEV_KEYS[3],
  relayB: DEV_KEYS[4],
  aggregator: DEV_KEYS[5],
  verifier: DEV_KEYS[6],
} as const;
export const EPOCH_SECONDS = 4;
const GRACE_SECONDS = 1;
const CHALLENGE_WINDOW = 12;
/** The longest the contract allows with 4 s epochs: (12 + 200) / 4 + 8 <= maxPending() = 64. */
const ARBITER_TIMEOUT = 200;
/** TUSD per GB, as in the demo: against a CDN at $0.05/GB. */
const PRICE_PER_GB = "0.03";

export type ExplorerStack = {
  chain: CliChain;
  aggregator: AggregatorProcess;
  verifierUrl: string;
  /** The aggregator as the explorer reaches it (tamper with `rewrite`, cut with `down`). */
  aggregatorProxy: HttpProxy;
  /** The chain's RPC as the browser reaches it. */
  rpcProxy: HttpProxy;
  explorerUrl: string;
  pool: Hex;
  relayA: Address;
  relayB: Address;
  /** Epochs: A's first receipts, A's and B's, B's later ones (pending behind challenge #2), and #2's epoch. */
  epochs: { first: bigint; second: bigint; late: bigint; challenged: bigint };
  /** Runs `meshpay --json …` against the stack's deployment and returns the parsed output. */
  cliJson(args: string[], key?: Hex): Promise<any>;
  read<T>(functionName: string, args?: readonly unknown[]): Promise<T>;
  close(): Promise<void>;
};

export async function startExplorerStack(dist: string): Promise<ExplorerStack> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const chain = await deployWithCli("explorer", [
      "--epoch-seconds",
      `${EPOCH_SECONDS}s`,
      "--grace-seconds",
      `${GRACE_SECONDS}s`,
      "--challenge-window",
      `${CHALLENGE_WINDOW}s`,
      "--arbiter-timeout",
      `${ARBITER_TIMEOUT}s`,
    ]);
    cleanups.push(() => chain.close());
    // A block every second, as `meshpay dev node` does: chain time follows the clock while nothing happens.
    await rpc(chain.node.url, "evm_setIntervalMining", [1000]);
    const cliJson = async (args: string[], key?: Hex) => {
      const r = await chain.run(["--json", ...args], key ? { key } : {});
      assert.equal(r.code, 0, `meshpay ${args.join(" ")}: ${r.stdout}${r.stderr}`);
      return r.json();
    };
    const client = createPublicClient({ transport: http(chain.node.url) });
    const distributor = chain.deployment.distributor;
    const read = <T>(functionName: string, args: readonly unknown[] = []) =>
      client.readContract({
        address: distributor,
        abi: rewardDistributorAbi,
        functionName,
        args,
      } as never) as Promise<T>;

    const pool = await createPoolWithCli(chain, KEYS.broadcaster, PRICE_PER_GB);
    await cliJson(["dev", "mint", "1000"], KEYS.broadcaster);
    await cliJson(["pool", "fund", pool, "1000"], KEYS.broadcaster);

    const dir = makeWorkDir("explorer");
    // Each process is registered for cleanup as soon as it runs, so a failure of the other one leaks nothing.
    const started = await Promise.allSettled([
      freePort().then(async (port) => {
        const p = await startAggregatorProcess({
          dir,
          config: aggregatorConfig({
            dir,
            port,
            rpcUrl: chain.node.url,
            distributor,
            fromBlock: BigInt(chain.deployment.fromBlock),
            overrides: { posting: { enabled: true, autoRegister: true, resendAfterMs: 5000 }, log: { level: "warn" } },
          }),
          env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEYS.aggregator },
        });
        cleanups.push(() => stopWithin(p.child, 5000));
        return p;
      }),
      startVerifier(chain).then((v) => {
        cleanups.push(() => v.stop());
        return v;
      }),
    ]);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    const aggregator = (started[0] as PromiseFulfilledResult<AggregatorProcess>).value;
    const verifier = (started[1] as PromiseFulfilledResult<{ url: string; stop(): Promise<void> }>).value;

    const { genesisTime } = await read<{ genesisTime: bigint }>("config");
    const epochNow = () => (BigInt(Math.floor(Date.now() / 1000)) - genesisTime) / BigInt(EPOCH_SECONDS);
    const epochStartMs = (e: bigint) => Number(genesisTime + e * BigInt(EPOCH_SECONDS)) * 1000;
    const viewer = createViewerSessionKey();
    const issued = await cliJson(
      [
        "ticket",
        "issue",
        pool,
        "--viewer",
        viewer.address,
        "--stream",
        "explorer",
        "--not-before",
        String(Number(genesisTime) * 1000),
        "--valid-for",
        "1h",
      ],
      KEYS.broadcaster,
    );
    const domain = { chainId: chain.deployment.chainId, verifyingContract: distributor };
    const relayA = privateKeyToAccount(KEYS.relayA).address.toLowerCase() as Address;
    const relayB = privateKeyToAccount(KEYS.relayB).address.toLowerCase() as Address;
    let chunkNo = 0;
    const deliver = async (relay: Address, epoch: bigint, chunks: number, size: number) => {
      const receiver = createReceiver({
        domain,
        ticket: signedViewerTicketFromJson(issued.signedTicket),
        sessionKey: viewer,
        now: () => epochStartMs(epoch) + 1000,
      });
      const node = await createRelay({
        dbPath: join(dir, `relay-${relay}.sqlite`),
        aggregatorUrl: aggregator.url,
        relay,
        domain,
        retry: { baseDelayMs: 0 },
      });
      try {
        await node.addTicket(issued.signedTicket);
        for (let i = 0; i < chunks; i++) {
          const chunk = chunkNo++;
          const bytes = new Uint8Array(size).fill(chunk % 251);
          await node.addReceipt(receiver.signChunk({ bytes, relay, segment: Number(epoch), chunk }).signed);
        }
        const flushed = await node.flush();
        assert.equal(flushed.batches[0]?.accepted, chunks, JSON.stringify(flushed));
      } finally {
        await node.close();
      }
    };
    const posted = (epoch: bigint) =>
      waitFor(
        `epoch ${epoch} to be posted`,
        async () => (await read<{ nextEpoch: bigint }>("systemState")).nextEpoch > epoch,
        60_000,
        250,
      );

    // Traffic: A in two epochs, B in the second one (receipts may be signed up to 5 minutes ahead).
    const first = epochNow() + 1n;
    const second = first + 1n;
    await deliver(relayA, first, 10, 1_000_000);
    await deliver(relayA, second, 5, 1_000_000);
    await deliver(relayB, second, 8, 1_000_000);
    await posted(second);

    // A bogus challenge on the second epoch blocks it while the first becomes claimable; relay A claims; the arbiter
    // dismisses it (the second epoch's window starts again).
    const challengerBond = (await read<{ challengerBond: bigint }>("config")).challengerBond;
    const challenger = createWalletClient({
      account: privateKeyToAccount(KEYS.challenger),
      transport: http(chain.node.url),
    });
    const challenge = async (epoch: bigint, text: string) => {
      const hash = await challenger.writeContract({
        address: distributor,
        abi: rewardDistributorAbi,
        functionName: "challenge",
        args: [epoch, keccak256(toHex(text)), `https://evidence.example/${epoch}.json`],
        value: challengerBond,
        chain: null,
      });
      await client.waitForTransactionReceipt({ hash });
    };
    await challenge(second, "a bogus claim about the second epoch");
    await waitFor("the first epoch to be claimable", () => read<boolean>("isClaimable", [first]), 60_000, 250);
    await cliJson(["claim"], KEYS.relayA);
    await cliJson(["arbiter", "dismiss", "1"], KEYS.arbiter);

    // A second challenge, left open, on the latest posted epoch; B earns again after it (pending, blocked).
    const challenged = (await read<{ nextEpoch: bigint }>("systemState")).nextEpoch - 1n;
    await challenge(challenged, "another bogus claim");
    const late = epochNow() + 1n;
    await deliver(relayB, late, 4, 1_000_000);
    await posted(late);
    await waitFor("the second epoch to be claimable again", () => read<boolean>("isClaimable", [second]), 60_000, 250);

    const rpcProxy = await startHttpProxy(chain.node.url);
    cleanups.push(() => rpcProxy.close());
    const aggregatorProxy = await startHttpProxy(aggregator.url);
    cleanups.push(() => aggregatorProxy.close());
    const explorer = await startExplorerProcess(chain, [
      "--port",
      "0",
      "--aggregator",
      aggregatorProxy.url,
      "--verifier",
      verifier.url,
      "--browser-rpc",
      rpcProxy.url,
      "--dist",
      dist,
    ]);
    cleanups.push(() => explorer.stop());
    return {
      chain,
      aggregator,
      verifierUrl: verifier.url,
      aggregatorProxy,
      rpcProxy,
      explorerUrl: explorer.url,
      pool,
      relayA,
      relayB,
      epochs: { first, second, late, challenged },
      cliJson,
      read,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The verifier process (`node src/verifier/main.ts`), up once /healthz answers 200. On a loaded machine it can
 * take longer than the verifier tests' helper waits, hence its own start here (60 s).
 */
async function startVerifier(chain: CliChain): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "meshpay-explorer-verifier-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configFile = join(dataDir, "verifier.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      chain: {
        rpcUrl: chain.node.url,
        distributor: chain.deployment.distributor,
        fromBlock: Number(chain.deployment.fromBlock),
        confirmations: 0,
        pollIntervalMs: 300,
      },
      storage: { dir: join(dataDir, "data") },
      http: { host: "127.0.0.1", port },
      audit: { bundleDeadlineSeconds: 5, bundleTimeoutMs: 5_000 },
      claims: { enabled: false },
      log: { level: "silent" },
    }),
  );
  const child = spawn(
    join(repoRoot, "node_modules/.bin/node"),
    [join(repoRoot, "src/verifier/main.ts"), "--config", configFile],
    {
      cwd: repoRoot,
      env: { ...process.env, MESHPAY_VERIFIER_PRIVATE_KEY: KEYS.verifier },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-20_000)));
  const stop = async () => {
    await stopWithin(child, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "the verifier's /healthz",
      async () => {
        if (child.exitCode !== null) throw new Error(`the verifier exited with ${child.exitCode}: ${out}`);
        return (await fetch(`${url}/healthz`)).status === 200;
      },
      60_000,
      200,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

/** SIGTERM, then SIGKILL if the process has not exited within `ms`. */
async function stopWithin(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** `meshpay explorer` as a real process in its own process group; resolves with its URL once it says it is ready. */
async function startExplorerProcess(chain: CliChain, args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `${repoRoot}bin/meshpay.js`,
      "--json",
      "--deployment",
      join(chain.dir, ".meshpay/deployment.json"),
      "explorer",
      ...args,
    ],
    {
      cwd: chain.dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MESHPAY_PROGRESS: "never" },
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  };
  process.once("exit", () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  });
  const ready = await waitFor(
    "meshpay explorer to be ready",
    async () => {
      if (child.exitCode !== null) throw new Error(`meshpay explorer exited ${child.exitCode}: ${out}`);
      const line = out.split("\n").find((l) => l.startsWith('{"ready":true'));
      return line ? (JSON.parse(line) as { url: string }) : undefined;
    },
    30_000,
    100,
  );
  return { url: ready.url, stop };
}
