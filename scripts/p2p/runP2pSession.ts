import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
  toFunctionSelector,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { parseBundleBytes } from "../../src/protocol/bundle/parseBundleBytes.ts";
import { runMeshpayJson } from "../lib/runMeshpayJson.ts";
import { encodeTestStream } from "./encodeTestStream.ts";
import { startOrigin } from "./startOrigin.ts";
import { startTracker } from "./startTracker.ts";
import type { ViewerRole } from "./viewerPage.ts";

const root = resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
// Hardhat's well-known development keys (as scripts/demo.ts).
const KEYS = {
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  broadcaster: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  aggregator: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  ticketSigner: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  verifier: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const satisfies Record<string, Hex>;

export type ViewerPlan = {
  role: ViewerRole;
  joinAfterMs: number;
  leaveAfterMs?: number;
  liveSyncDurationCount: number;
};

export type P2pSessionOptions = {
  /** The address to serve on: the network namespace's own (see netns.ts), so WebRTC has a route. */
  host: string;
  workDir: string;
  viewers: ViewerPlan[];
  /** How long the stream plays after the first viewer joins. */
  playMs: number;
  epochSeconds: number;
  graceSeconds: number;
  challengeWindowSeconds: number;
  /** Token units per GB the pool pays relays. */
  pricePerGB: string;
  contentBinding: boolean;
  claim: boolean;
  /** Also run the verifier (it audits every posted root). */
  verifier?: boolean;
  log?: (line: string) => void;
};

type Proc = { name: string; child: ChildProcess };

/**
 * One real P2P run: a Hardhat chain with the Ignition deployment, a funded pool (meshpay CLI), the aggregator,
 * an ffmpeg-encoded live HLS stream from a small origin, a WebTorrent tracker and headless Chromium viewers
 * playing through hls.js + p2p-media-loader + the meshpay player plugin. Returns what every viewer counted,
 * what the aggregator credited, and (with `claim`) what each relay claimed with the CLI. Run it inside a
 * network namespace (scripts/p2p/netns.ts): it binds `host` and 127.0.0.1 only.
 */
export async function runP2pSession(o: P2pSessionOptions) {
  const log = o.log ?? (() => undefined);
  const procs: Proc[] = [];
  const closers: (() => Promise<void>)[] = [];
  mkdirSync(o.workDir, { recursive: true });
  const deploymentFile = join(o.workDir, "deployment.json");
  const start = (name: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const file = join(o.workDir, `${name}.log`);
    child.stdout?.on("data", (d) => writeFileSync(file, d, { flag: "a" }));
    child.stderr?.on("data", (d) => writeFileSync(file, d, { flag: "a" }));
    procs.push({ name, child });
    return child;
  };
  const meshpay = (key: Hex | undefined, args: string[]) =>
    runMeshpayJson(root, key, ["--deployment", deploymentFile, "--rpc", nodeUrl, ...args]);
  const [chainPort, aggregatorPort] = [await freePort(), await freePort()];
  const nodeUrl = `http://127.0.0.1:${chainPort}`;

  try {
    log("encoding the test stream with ffmpeg");
    const segmentSeconds = 2;
    const lastJoin = Math.max(...o.viewers.map((v) => v.joinAfterMs));
    const streamSeconds = Math.ceil((o.playMs + lastJoin) / 1000 / segmentSeconds) * segmentSeconds + 30;
    const segments = encodeTestStream(join(o.workDir, "stream"), streamSeconds);

    log(`chain on ${nodeUrl}, deploying`);
    start("chain", [
      ...["bin/meshpay.js", "--deployment", deploymentFile, "dev", "node", "--port", String(chainPort)],
      ...[
        "--block-time",
        "1s",
        "--deploy",
        "--epoch-seconds",
        `${o.epochSeconds}s`,
        "--grace-seconds",
        `${o.graceSeconds}s`,
      ],
      ...["--challenge-window", `${o.challengeWindowSeconds}s`, "--arbiter-timeout", "60s"],
    ]);
    const deployment = await waitFor("the deployment", 120_000, async () =>
      existsSync(deploymentFile) ? JSON.parse(readFileSync(deploymentFile, "utf8")) : undefined,
    );
    const distributor = deployment.distributor as Address;
    const client = createPublicClient({ transport: http(nodeUrl) });
    const chainId = await client.getChainId();
    const config = await client.readContract({
      address: distributor,
      abi: rewardDistributorAbi,
      functionName: "config",
    });
    const domain = { chainId, verifyingContract: distributor };

    log("pool: create and fund (meshpay CLI)");
    const ticketSigner = privateKeyToAccount(KEYS.ticketSigner).address;
    await meshpay(KEYS.broadcaster, ["dev", "mint", "100000"]);
    const pool = await meshpay(KEYS.broadcaster, [
      ...["pool", "create", "--price", o.pricePerGB, "--ticket-signer", ticketSigner],
      ...["--metadata", "https://example.com/streams/p2p"],
    ]);
    const poolId = pool.poolId as Hex;
    await meshpay(KEYS.broadcaster, ["pool", "fund", poolId, "10000"]);

    log("aggregator");
    const aggregatorUrl = `http://127.0.0.1:${aggregatorPort}`;
    writeFileSync(
      join(o.workDir, "aggregator.json"),
      JSON.stringify({
        http: { host: "127.0.0.1", port: aggregatorPort, publicUrl: aggregatorUrl },
        storage: {
          path: join(o.workDir, "aggregator/aggregator.db"),
          bundleDir: join(o.workDir, "aggregator/bundles"),
          synchronous: "NORMAL",
        },
        ingest: o.contentBinding ? { contentBindingPools: [poolId] } : {},
        chain: { rpcUrl: nodeUrl, distributor, chainId, fromBlock: Number(deployment.fromBlock), pollIntervalMs: 250 },
        posting: { enabled: true, autoRegister: true, resendAfterMs: 5_000 },
        log: { level: "info" },
      }),
    );
    start("aggregator", ["src/aggregator/main.ts", "--config", join(o.workDir, "aggregator.json")], {
      MESHPAY_AGGREGATOR_PRIVATE_KEY: KEYS.aggregator,
    });
    await waitFor("the aggregator to know the pool", 60_000, async () =>
      (await fetch(`${aggregatorUrl}/v1/pools/${poolId}`)).ok ? true : undefined,
    );

    let verifierUrl: string | undefined;
    if (o.verifier) {
      const verifierPort = await freePort();
      verifierUrl = `http://127.0.0.1:${verifierPort}`;
      writeFileSync(
        join(o.workDir, "verifier.json"),
        JSON.stringify({
          chain: {
            rpcUrl: nodeUrl,
            chainId,
            distributor,
            fromBlock: String(deployment.fromBlock),
            confirmations: 0,
            pollIntervalMs: 250,
          },
          storage: { dir: join(o.workDir, "verifier") },
          http: { host: "127.0.0.1", port: verifierPort, publicUrl: verifierUrl },
          audit: { challenge: true },
          log: { level: "info" },
        }),
      );
      start("verifier", ["src/verifier/main.ts", "--config", join(o.workDir, "verifier.json")], {
        MESHPAY_VERIFIER_PRIVATE_KEY: KEYS.verifier,
      });
      await waitFor("the verifier", 60_000, async () =>
        (await fetch(`${verifierUrl}/healthz`)).ok ? true : undefined,
      );
      log(`verifier ${verifierUrl}`);
    }

    log("tracker, origin and the viewer page");
    const tracker = await startTracker(o.host);
    closers.push(() => tracker.close());
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, "viewerPage.ts")],
      bundle: true,
      write: false,
      platform: "browser",
      format: "iife",
      globalName: "meshpayViewer",
      target: "es2022",
      conditions: ["p2pml:core-as-bundle"],
      logLevel: "silent",
    });
    const manifestsPosted = { ok: 0, failed: 0 };
    const origin = await startOrigin({
      host: o.host,
      segmentDir: join(o.workDir, "stream"),
      segments,
      segmentSeconds,
      initialSegments: 8,
      windowSegments: 10,
      poolId,
      streamId: `0x${"57".repeat(32)}`,
      ticketSignerKey: KEYS.ticketSigner,
      domain,
      aggregatorUrl,
      pageHtml:
        '<!doctype html><meta charset="utf-8"><title>meshpay viewer</title><video></video><script ' +
        'src="/viewer.js"></script>',
      pageScript: bundle.outputFiles[0]!.text,
      ...(o.contentBinding
        ? {
            onManifest: async (m) => {
              const r = await fetch(`${aggregatorUrl}/v1/manifests`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(m),
              });
              if (r.ok) manifestsPosted.ok++;
              else manifestsPosted.failed++;
            },
          }
        : {}),
    });
    closers.push(() => origin.close());

    log(`${o.viewers.length} headless Chromium viewers`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        ...["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
        ...["--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
        "--disable-features=WebRtcHideLocalIpsWithMdns",
      ],
    });
    closers.push(() => browser.close());
    const payoutKeys = o.viewers.map(() => generatePrivateKey());
    const swarmId = `meshpay-${poolId.slice(2, 14)}`;
    const firstEpoch = Math.floor((Date.now() / 1000 - Number(config.genesisTime)) / o.epochSeconds);
    const t0 = Date.now();
    const viewers = o.viewers.map((plan, i) => ({
      plan,
      payout: privateKeyToAccount(payoutKeys[i]!).address.toLowerCase() as Address,
      key: payoutKeys[i]!,
      page: undefined as import("playwright-core").Page | undefined,
      peerId: undefined as string | undefined,
      final: undefined as any,
      errors: [] as string[],
    }));
    const join1 = async (v: (typeof viewers)[number]) => {
      await sleep(Math.max(0, t0 + v.plan.joinAfterMs - Date.now()));
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on("pageerror", (e) => v.errors.push(String(e)));
      await page.goto(origin.url);
      const started = await page.evaluate((c) => (globalThis as any).meshpayViewer.start(c), {
        role: v.plan.role,
        payout: v.payout,
        domain,
        trackers: [tracker.url],
        swarmId,
        contentBinding: o.contentBinding,
        liveSyncDurationCount: v.plan.liveSyncDurationCount,
      });
      v.page = page;
      v.peerId = started.peerId;
      log(`  viewer ${v.plan.role} joined as ${started.peerId} (payout ${v.payout})`);
      const leaveAt = t0 + (v.plan.leaveAfterMs ?? o.playMs + lastJoin);
      await sleep(Math.max(0, leaveAt - Date.now()));
      v.final = await page.evaluate(() => (globalThis as any).meshpayViewer.stop());
      log(`  viewer ${v.plan.role} ${v.peerId} left: ${JSON.stringify(v.final.receipts)}`);
      await context.close();
    };
    const progress = setInterval(async () => {
      const parts = await Promise.all(
        viewers.map(async (v) =>
          v.page && !v.final
            ? await v.page
                .evaluate(() => (globalThis as any).meshpayViewer.stats())
                .then((s: any) => `${s.receipts.httpBytes >> 10}k/${s.receipts.p2pBytes >> 10}k`)
                .catch(() => "-")
            : "-",
        ),
      );
      log(`  http/p2p per viewer: ${parts.join(" ")}`);
    }, 5_000);
    await Promise.all(viewers.map(join1));
    clearInterval(progress);
    const lastEpoch = Math.floor((Date.now() / 1000 - Number(config.genesisTime)) / o.epochSeconds);

    log(`waiting for epochs ${firstEpoch}–${lastEpoch} to be posted${o.claim ? " and claimable" : ""}`);
    await waitFor("the last traffic epoch to be posted", 120_000, async () => {
      const r = await fetch(`${aggregatorUrl}/v1/epochs/${lastEpoch}`);
      if (!r.ok) return undefined;
      const e = await r.json();
      return ["pending", "finalized", "claimable", "confirmed"].includes(e.status) || e.post?.txHash ? e : undefined;
    });
    if (o.claim)
      await waitFor("the last traffic epoch to be claimable", 120_000, async () => {
        const [exists, epoch] = await client.readContract({
          address: distributor,
          abi: rewardDistributorAbi,
          functionName: "latestClaimableEpoch",
        });
        return exists && Number(epoch) >= lastEpoch ? true : undefined;
      });

    // What the aggregator credited: every leaf of the traffic epochs' bundles.
    const credited = new Map<string, { bytes: bigint; earned: bigint }>();
    for (let e = firstEpoch; e <= lastEpoch; e++) {
      const r = await fetch(`${aggregatorUrl}/v1/epochs/${e}/bundle`);
      if (!r.ok) continue;
      for (const l of parseBundleBytes(new Uint8Array(await r.arrayBuffer())).leaves) {
        if (l.poolId.toLowerCase() !== poolId.toLowerCase()) continue;
        const c = credited.get(l.account.toLowerCase()) ?? { bytes: 0n, earned: 0n };
        c.bytes += BigInt(l.epochBytes);
        c.earned = l.cumulativeAmount;
        credited.set(l.account.toLowerCase(), c);
      }
    }

    const claims: Record<string, { paid: string; transaction: string } | null> = {};
    if (o.claim) {
      const deployer = createWalletClient({ account: privateKeyToAccount(KEYS.deployer), transport: http(nodeUrl) });
      for (const v of viewers) {
        if (!credited.get(v.payout)?.earned) {
          claims[v.payout] = null;
          continue;
        }
        const hash = await deployer.sendTransaction({ to: v.payout, value: parseEther("1"), chain: null });
        await client.waitForTransactionReceipt({ hash });
        const claimed = await meshpay(v.key, ["claim"]);
        claims[v.payout] = {
          paid: claimed.paid.map((p: any) => p.amount.units ?? p.amount.amount).join(","),
          transaction: claimed.transaction,
        };
        log(`  ${v.plan.role} ${v.payout} claimed ${JSON.stringify(claimed.paid)}`);
      }
    }

    const verifierStatus = verifierUrl ? await fetch(`${verifierUrl}/healthz`).then((r) => r.json()) : null;
    const gas = await settlementGas(client, distributor, BigInt(deployment.fromBlock));
    return {
      verifier: verifierStatus,
      gas,
      chainId,
      distributor,
      poolId,
      pricePerGB: o.pricePerGB,
      epochs: { first: firstEpoch, last: lastEpoch, seconds: o.epochSeconds },
      origin: origin.served(),
      manifestsPosted,
      viewers: viewers.map((v) => ({
        role: v.plan.role,
        payout: v.payout,
        peerId: v.peerId,
        joinAfterMs: v.plan.joinAfterMs,
        leaveAfterMs: v.plan.leaveAfterMs ?? null,
        stats: v.final,
        pageErrors: v.errors,
        credited: {
          bytes: Number(credited.get(v.payout)?.bytes ?? 0n),
          earnedUnits: (credited.get(v.payout)?.earned ?? 0n).toString(),
        },
        claim: claims[v.payout] ?? null,
      })),
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    for (const p of procs)
      if (p.child.pid && p.child.exitCode === null)
        try {
          process.kill(-p.child.pid, "SIGTERM");
        } catch {}
    await sleep(500);
    for (const p of procs)
      if (p.child.pid && p.child.exitCode === null)
        try {
          process.kill(-p.child.pid, "SIGKILL");
        } catch {}
  }
}

/** Gas of every transaction to the distributor since `fromBlock`, by function selector name (postEpoch, claim…). */
async function settlementGas(
  client: ReturnType<typeof createPublicClient>,
  distributor: Address,
  fromBlock: bigint,
): Promise<Record<string, { count: number; gas: number }>> {
  const out: Record<string, { count: number; gas: number }> = {};
  const latest = await client.getBlockNumber();
  for (let b = fromBlock; b <= latest; b++) {
    const block = await client.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      if (typeof tx === "string" || tx.to?.toLowerCase() !== distributor.toLowerCase()) continue;
      const receipt = await client.getTransactionReceipt({ hash: tx.hash });
      const item = rewardDistributorAbi.find(
        (i) => i.type === "function" && toFunctionSelector(i as any) === tx.input.slice(0, 10),
      ) as { name: string } | undefined;
      const name = item?.name ?? tx.input.slice(0, 10);
      const row = (out[name] ??= { count: 0, gas: 0 });
      row.count++;
      row.gas += Number(receipt.gasUsed);
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {}
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
