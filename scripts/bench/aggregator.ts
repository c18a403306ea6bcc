// Aggregator benchmarks (issue 4). Run: node scripts/bench/aggregator.ts [--quick]
//
//   ingest.ratioVsRawVerify  end-to-end HTTP ingest (aggregator process pinned to one core, a real local chain, a real
//                            SQLite file, synchronous = FULL) in receipts/s, over the single-core rate of the raw
//                            signature check (receipt digest + libsecp256k1 recovery + signer check) measured in the
//                            same run on the same core                                                target >= 0.5
//   ingest.ratioVsNoble      the same ingest over an ingest whose signature path recovers with @noble/curves  >= 10
//   ingest.pg.ratioVsSqlite  one PostgreSQL-backed process over one SQLite-backed process, the same pre-signed load
//                            (100,000 receipts in batches of 2,000, two connections a process), unpinned    >= 0.8
//   ingest.pg.scaling2       two PostgreSQL-backed processes on one schema over one, the same load           >= 1.5
//   epochClose.1m.seconds    closing an epoch of 1,000,000 receipts from 100,000 relays: read, credit, rewards,
//                            receipts roots, reward tree, bundle written and hashed (child process)     <= 60 s
//   epochClose.1m.peakMiB    peak RSS of that child
//   bundle.bytesPerReceipt   size of the bundle file that close wrote (format 2, docs/bundle.md) over its receipt
//                            count (header, pools, tickets and leaves included)                         <= 160
//
// The 1M-receipt epoch is generated once (signed receipts, inserted straight into a SQLite file) and cached in
// .data/bench/ (gitignored); later runs only measure the close. --quick: small sizes, nothing recorded;
// --generate-only: build the cached 1M-receipt database and exit; --close-only: only the epoch-close figures;
// --only ingest.pg: only the PostgreSQL ingest figures (MESHPAY_TEST_PG_URL, default the local test database).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createPublicClient, createWalletClient, type Hex, http, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { prepareEpoch } from "../../src/aggregator/epoch/prepareEpoch.ts";
import { migrations } from "../../src/aggregator/storage/migrations.ts";
import { openDatabase } from "../../src/aggregator/storage/openDatabase.ts";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import { publicKeyToAddress } from "../../src/protocol/signature/publicKeyToAddress.ts";
import type { ChunkReceipt, MeshpayDomain, ViewerTicket } from "../../src/protocol/types.ts";
import { type PresignedBatch, presignBatches } from "../../test/aggregator/helpers/presignBatches.ts";
import { addressOf, keyFor } from "../../test/aggregator/helpers/receipts.ts";
import { sendLoad } from "../../test/aggregator/helpers/sendLoad.ts";
import { type BenchFigure, recordResults } from "./results.ts";
import { xorshift } from "./xorshift.ts";

const root = resolve(import.meta.dirname, "../..");
const nodeBin = process.execPath;
const quick = process.argv.includes("--quick");
const require = createRequire(import.meta.url);
const secp = require("secp256k1") as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
};
const hasTaskset = (() => {
  try {
    execFileSync("taskset", ["-c", "0", "true"]);
    return true;
  } catch {
    return false;
  }
})();
/** Command and arguments running `args` on core `core` when taskset exists. */
const onCore = (core: number, args: string[]): [string, string[]] =>
  hasTaskset ? ["taskset", ["-c", String(core), ...args]] : [args[0]!, args.slice(1)];

const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex")}`;

/** Deterministic keys, tickets and signed receipts for one domain, signed with libsecp256k1. */
async function createFactory(domain: MeshpayDomain) {
  const v = createReceiptVerifier({ domain, keccak: await createFastKeccak256() });
  const sign = (digest: Uint8Array, key: Uint8Array) => {
    const { signature, recid } = secp.ecdsaSign(digest, key);
    const out = new Uint8Array(65);
    out.set(signature);
    out[64] = 27 + recid;
    return hex(out);
  };
  const key = (r: (n: number) => Uint8Array) => {
    for (;;) {
      const k = r(32);
      if (k[0] !== 0 && k[0] !== 0xff) return k;
    }
  };
  return {
    key,
    address: (k: Uint8Array) => publicKeyToAddress(secp.publicKeyCreate(k, false)).toLowerCase() as Hex,
    ticket(t: ViewerTicket, signerKey: Uint8Array) {
      return { ticketHash: hex(v.ticketHash(t)), signature: sign(v.ticketDigest(t), signerKey) };
    },
    receipt(r: ChunkReceipt, viewerKey: Uint8Array) {
      const digest = v.receiptDigest(r);
      return { receiptId: hex(digest), signature: sign(digest, viewerKey) };
    },
  };
}

// ------------------------------------------------------------------------------------------ raw verify (child)

async function childRawVerify(): Promise<void> {
  const domain: MeshpayDomain = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
  const f = await createFactory(domain);
  const r = xorshift(99);
  const viewers = Array.from({ length: 64 }, () => f.key(r));
  const items = Array.from({ length: 2000 }, (_, i) => {
    const receipt: ChunkReceipt = {
      poolId: hex(r(32)),
      ticketHash: hex(r(32)),
      relay: hex(r(20)),
      segment: BigInt(i >> 4),
      chunk: i & 15,
      chunkHash: hex(r(32)),
      size: 65536,
      deliveredAt: 1_767_225_600_000n + BigInt(i),
    };
    const viewer = viewers[i % viewers.length]!;
    return { receipt, signature: f.receipt(receipt, viewer).signature, viewer: f.address(viewer) };
  });
  const verifier = await createNodeReceiptVerifier({ domain });
  const pass = () => {
    let ok = 0;
    for (const it of items) if (verifier.isSigner(verifier.receiptDigest(it.receipt), it.signature, it.viewer)) ok++;
    if (ok !== items.length) throw new Error("verification failed");
    return items.length;
  };
  pass();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < (quick ? 1000 : 4000)) count += pass();
  process.stdout.write(JSON.stringify({ rate: count / ((performance.now() - start) / 1000) }));
}

// ------------------------------------------------------------------------------------------ ingest over HTTP

type Chain = { url: string; stop: () => Promise<void> };

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function startChain(): Promise<Chain> {
  const port = await freePort();
  const [cmd, args] = onCore(1, [
    resolve(root, "node_modules/.bin/hardhat"),
    "node",
    "--port",
    String(port),
    "--hostname",
    "127.0.0.1",
  ]);
  const child = spawn(cmd, args, { cwd: root, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
  for (let i = 0; ; i++) {
    try {
      await client.getChainId();
      break;
    } catch {
      if (i > 300) throw new Error("hardhat node did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Deploys with a fixed genesis and year-long epochs (receipts stay in one open epoch); one pool. */
async function deploy(url: string, ticketSigner: Hex) {
  const mnemonic = "test test test test test test test test test test test junk";
  const account = mnemonicToAccount(mnemonic);
  const transport = http(url, { retryCount: 0 });
  const wallet = createWalletClient({ account, chain: hardhat, transport });
  const client = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 });
  const { readFileSync } = await import("node:fs");
  const art = (p: string) =>
    JSON.parse(readFileSync(resolve(root, "artifacts/contracts", p), "utf8")) as { abi: never; bytecode: Hex };
  const dist = art("RewardDistributor.sol/RewardDistributor.json");
  const now = Math.floor(Date.now() / 1000);
  const config = {
    genesisTime: BigInt(now - 60),
    epochSeconds: 365n * 86_400n,
    graceSeconds: 60n,
    challengeWindow: 60n,
    arbiterTimeout: 600n,
    aggregatorBond: parseEther("1"),
    challengerBond: parseEther("0.1"),
    challengerShareBps: 5000n,
  };
  const wait = async (hash: Hex) => client.waitForTransactionReceipt({ hash });
  const distributor = (
    await wait(
      await wallet.deployContract({
        abi: dist.abi,
        bytecode: dist.bytecode,
        // Roles are kept apart (SystemRoleConflict): guardian and arbiter are other accounts of the same mnemonic.
        args: [
          account.address,
          mnemonicToAccount(mnemonic, { addressIndex: 1 }).address,
          mnemonicToAccount(mnemonic, { addressIndex: 2 }).address,
          account.address,
          config,
        ],
      }),
    )
  ).contractAddress!;
  const tok = art("mocks/TestToken.sol/TestToken.json");
  const token = (await wait(await wallet.deployContract({ abi: tok.abi, bytecode: tok.bytecode, args: ["T", "T", 6] })))
    .contractAddress!;
  const { result: poolId, request: create } = await client.simulateContract({
    account,
    address: distributor,
    abi: rewardDistributorAbi,
    functionName: "createPool",
    args: [token, 10n ** 9n, ticketSigner, ""],
  });
  await wait(await wallet.writeContract(create));
  await wait(
    await wallet.writeContract({
      address: token,
      abi: testTokenAbi,
      functionName: "mint",
      args: [account.address, 10n ** 15n],
    }),
  );
  return {
    distributor: distributor.toLowerCase() as Hex,
    poolId: poolId.toLowerCase() as Hex,
    genesisTime: Number(config.genesisTime),
  };
}

/**
 * Pre-serialized batches of `perBatch` receipts for one relay, from 50 viewers each, out of 200 viewing sessions
 * that span several batches (as long sessions do): after the first few batches every ticket is one the aggregator
 * already holds, so the duplicate check reads the database for every receipt.
 */
async function makeBatches(
  domain: MeshpayDomain,
  poolId: Hex,
  signerKey: Uint8Array,
  batches: number,
  perBatch: number,
  seed: number,
): Promise<Buffer[]> {
  const f = await createFactory(domain);
  const r = xorshift(seed);
  const relay = hex(r(20));
  const now = BigInt(Date.now());
  const sessions = Array.from({ length: 200 }, () => {
    const key = f.key(r);
    const ticket: ViewerTicket = {
      poolId,
      streamId: hex(r(32)),
      viewer: f.address(key),
      notBefore: now - 60_000n,
      notAfter: now + 86_400_000n,
      maxBytes: 10n ** 15n,
    };
    return { key, ticket, ...f.ticket(ticket, signerKey) };
  });
  const out: Buffer[] = [];
  for (let b = 0; b < batches; b++) {
    const viewers = Array.from({ length: 50 }, (_, i) => sessions[(b * 50 + i) % sessions.length]!);
    const receipts = [];
    for (let i = 0; i < perBatch; i++) {
      const v = viewers[i % viewers.length]!;
      const receipt: ChunkReceipt = {
        poolId,
        ticketHash: v.ticketHash,
        relay,
        segment: BigInt(b * perBatch + i),
        chunk: 0,
        chunkHash: hex(r(32)),
        size: 65536,
        deliveredAt: now,
      };
      const { signature } = f.receipt(receipt, v.key);
      receipts.push({
        receipt: { ...receipt, segment: receipt.segment.toString(), deliveredAt: receipt.deliveredAt.toString() },
        signature,
      });
    }
    const tickets = viewers.map((v) => ({
      ticket: {
        ...v.ticket,
        notBefore: v.ticket.notBefore.toString(),
        notAfter: v.ticket.notAfter.toString(),
        maxBytes: v.ticket.maxBytes.toString(),
      },
      signature: v.signature,
    }));
    out.push(Buffer.from(JSON.stringify({ relay, tickets, receipts })));
  }
  return out;
}

/** Starts an aggregator process on core 0 and sends `bodies` two at a time; returns accepted receipts per second. */
async function measureIngest(
  chainUrl: string,
  distributor: Hex,
  bodies: Buffer[],
  perBatch: number,
  backend: "native" | "noble",
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), `meshpay-bench-ingest-${backend}-`));
  const port = await freePort();
  const config = {
    http: { host: "127.0.0.1", port },
    storage: { path: join(dir, "agg.db"), bundleDir: join(dir, "bundles") },
    chain: { rpcUrl: chainUrl, distributor, pollIntervalMs: 60_000 },
    posting: { enabled: false },
    rateLimit: { requestsPerSecond: 1e6, requestBurst: 1e6, receiptsPerSecond: 1e9, receiptBurst: 1e9 },
    log: { level: "warn" },
    testing: { verifierBackend: backend },
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const [cmd, args] = onCore(0, [
    nodeBin,
    resolve(root, "src/aggregator/main.ts"),
    "--config",
    join(dir, "config.json"),
  ]);
  const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error("aggregator did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const post = (body: Buffer, key: string) =>
      new Promise<number>((ok, fail) => {
        const req = request(
          `${url}/v1/receipts`,
          {
            method: "POST",
            agent,
            headers: { "content-type": "application/json", "idempotency-key": key, "content-length": body.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              if (res.statusCode !== 200)
                return fail(new Error(`status ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
              const parsed = JSON.parse(Buffer.concat(chunks).toString()) as {
                accepted: number;
                results: { status: string; errors?: unknown }[];
              };
              const rejected = parsed.results.find((x) => x.status === "rejected");
              if (rejected) return fail(new Error(`a benchmark receipt was rejected: ${JSON.stringify(rejected)}`));
              ok(parsed.accepted);
            });
          },
        );
        req.on("error", fail);
        req.end(body);
      });
    // Warm-up batch (JIT, caches), then the measured ones, two in flight so the server never waits on the client.
    await post(bodies[0]!, `${backend}-warm`);
    let next = 1;
    let accepted = 0;
    const start = performance.now();
    const worker = async () => {
      while (next < bodies.length) {
        const i = next++;
        const n = await post(bodies[i]!, `${backend}-${i}`);
        accepted += n;
      }
    };
    await Promise.all([worker(), worker()]);
    const seconds = (performance.now() - start) / 1000;
    agent.destroy();
    if (accepted !== (bodies.length - 1) * perBatch)
      throw new Error(`accepted ${accepted} of ${(bodies.length - 1) * perBatch}`);
    return accepted / seconds;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchIngest(figures: Record<string, BenchFigure>): Promise<void> {
  // The aggregator gets core 0 to itself: this process (the HTTP client) and the chain move to core 1.
  if (hasTaskset) execFileSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const raw = JSON.parse(
    execFileSync(
      ...onCore(0, [nodeBin, resolve(import.meta.filename), "--child-raw-verify", ...(quick ? ["--quick"] : [])]),
      { encoding: "utf8" },
    ),
  ) as { rate: number };
  console.log(`raw signature check (one core): ${raw.rate.toFixed(0)} receipts/s`);
  const chain = await startChain();
  try {
    const r = xorshift(5);
    const signerKey = r(32);
    const f = await createFactory({ chainId: 31337, verifyingContract: "0x0000000000000000000000000000000000000000" });
    const d = await deploy(chain.url, f.address(signerKey));
    const domain = { chainId: 31337, verifyingContract: d.distributor };
    const perBatch = 5000;
    const nativeBatches = quick ? 4 : 21;
    const t0 = performance.now();
    const bodies = await makeBatches(domain, d.poolId, signerKey, nativeBatches, perBatch, 11);
    const nobleBodies = await makeBatches(domain, d.poolId, signerKey, quick ? 2 : 3, quick ? 500 : 2000, 12);
    console.log(
      `generated ${(nativeBatches * perBatch).toLocaleString()} + noble receipts in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const native = await measureIngest(chain.url, d.distributor, bodies, perBatch, "native");
    console.log(
      `HTTP ingest, libsecp256k1 path (one core): ${native.toFixed(0)} receipts/s = ` +
        `${(native / raw.rate).toFixed(2)}x the raw check`,
    );
    const noble = await measureIngest(chain.url, d.distributor, nobleBodies, quick ? 500 : 2000, "noble");
    console.log(
      `HTTP ingest, @noble/curves path (one core): ${noble.toFixed(0)} receipts/s; libsecp256k1 ingest is ` +
        `${(native / noble).toFixed(1)}x`,
    );
    figures["ingest.ratioVsRawVerify"] = { value: Number((native / raw.rate).toFixed(3)), unit: "x" };
    figures["ingest.ratioVsNoble"] = { value: Number((native / noble).toFixed(2)), unit: "x" };
    figures["ingest.receiptsPerSecond"] = { value: Math.round(native), unit: "receipts/s" };
  } finally {
    await chain.stop();
  }
}

// ------------------------------------------------------------------------------------------ ingest on PostgreSQL

/** CPU seconds (user + system) a process has used so far, from /proc (0 once it is gone). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The pids of the PostgreSQL server's processes (its backends do the ingest transactions' work). */
function postgresPids(): number[] {
  try {
    return execFileSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).trim().split("\n").map(Number);
  } catch {
    return [];
  }
}

type IngestSide = {
  name: string;
  /** The `storage` section of each process's config (one process per entry). */
  storage: (dir: string) => Record<string, unknown>;
  processes: number;
};

/**
 * Starts the side's aggregator processes (unpinned: on PostgreSQL the database shares the cores), warms each up with
 * its own batch, then sends `measured` to all of them, two connections each, and returns the accepted receipts per
 * second and where the CPU went meanwhile (cores: CPU seconds over wall seconds).
 */
async function measureSide(
  chainUrl: string,
  distributor: Hex,
  side: IngestSide,
  warm: PresignedBatch[],
  measured: PresignedBatch[],
): Promise<{ rate: number; cores: { aggregators: number; postgres: number; loadGenerator: number } }> {
  const dir = mkdtempSync(join(tmpdir(), `meshpay-bench-${side.name}-`));
  const children: ReturnType<typeof spawn>[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < side.processes; i++) {
      const port = await freePort();
      const config = {
        http: { host: "127.0.0.1", port },
        storage: { bundleDir: join(dir, "bundles"), ...side.storage(dir) },
        chain: { rpcUrl: chainUrl, distributor, pollIntervalMs: 1000 },
        posting: { enabled: false },
        rateLimit: { requestsPerSecond: 1e6, requestBurst: 1e6, receiptsPerSecond: 1e9, receiptBurst: 1e9 },
        log: { level: "warn" },
      };
      writeFileSync(join(dir, `config-${i}.json`), JSON.stringify(config));
      const child = spawn(
        nodeBin,
        [resolve(root, "src/aggregator/main.ts"), "--config", join(dir, `config-${i}.json`)],
        {
          cwd: root,
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      children.push(child);
      urls.push(`http://127.0.0.1:${port}`);
    }
    for (const url of urls)
      for (let i = 0; ; i++) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        if (i > 600) throw new Error(`${side.name}: aggregator did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    // Every process warms up (JIT, caches, pool connections) on batches of its own before the clock starts.
    for (const [i, batch] of warm.entries()) {
      const warmUp = await sendLoad({ targets: [urls[i % urls.length]!], batches: [batch], keepAnswers: false });
      if (warmUp.outcomes[0]!.status !== 200)
        throw new Error(`${side.name}: warm-up answered ${warmUp.outcomes[0]!.status}`);
    }
    const pids = children.map((c) => c.pid!);
    const pgPids = postgresPids();
    const before = {
      agg: pids.reduce((s, p) => s + cpuSecondsOf(p), 0),
      pg: pgPids.reduce((s, p) => s + cpuSecondsOf(p), 0),
      self: process.cpuUsage(),
    };
    const load = await sendLoad({ targets: urls, batches: measured, connectionsPerTarget: 2, keepAnswers: false });
    const seconds = load.elapsedMs / 1000;
    const self = process.cpuUsage(before.self);
    const cores = {
      aggregators: (pids.reduce((s, p) => s + cpuSecondsOf(p), 0) - before.agg) / seconds,
      postgres: (postgresPids().reduce((s, p) => s + cpuSecondsOf(p), 0) - before.pg) / seconds,
      loadGenerator: (self.user + self.system) / 1e6 / seconds,
    };
    const expected = measured.reduce((s, b) => s + b.receiptIds.length, 0);
    const failed = load.outcomes.find((o) => o.status !== 200);
    if (failed) throw new Error(`${side.name}: a batch answered ${failed.status}`);
    if (load.accepted !== expected) throw new Error(`${side.name}: accepted ${load.accepted} of ${expected}`);
    return { rate: load.accepted / seconds, cores };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ingest.pg.ratioVsSqlite and ingest.pg.scaling2: the same pre-signed load (signed once, before any clock starts)
 * sent to one SQLite-backed process, one PostgreSQL-backed process and two PostgreSQL-backed processes (one schema,
 * as two machines behind a load balancer), each side on fresh storage, one after the other in this run.
 */
async function benchIngestPostgres(figures: Record<string, BenchFigure>): Promise<void> {
  const pgUrl = process.env.MESHPAY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  console.log(
    `load average before the PostgreSQL ingest runs: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const chain = await startChain();
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const schemas: string[] = [];
  try {
    const signerKey = keyFor("bench-pg-ticket-signer");
    const d = await deploy(chain.url, addressOf(signerKey));
    const perBatch = 2000;
    const batches = quick ? 8 : 50;
    const t0 = performance.now();
    const all = [
      ...presignBatches({
        domain: { chainId: 31337, verifyingContract: d.distributor },
        poolId: d.poolId,
        ticketSignerKey: signerKey,
        relays: Array.from({ length: 8 }, (_, i) => `0x${(i + 1).toString(16).padStart(2, "0").repeat(20)}` as Hex),
        label: "bench-pg",
        batches: 2 + batches,
        receiptsPerBatch: perBatch,
      }),
    ];
    console.log(
      `pre-signed ${(all.length * perBatch).toLocaleString()} receipts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const [warm, measured] = [all.slice(0, 2), all.slice(2)];
    const pgSide = (processes: number): IngestSide => ({
      name: `pg${processes}`,
      processes,
      storage: () => {
        const schema = `bench_${Math.random().toString(36).slice(2, 10)}`;
        schemas.push(schema);
        return { url: pgUrl, schema };
      },
    });
    const sides: IngestSide[] = [
      { name: "sqlite", processes: 1, storage: (dir) => ({ path: join(dir, "agg.db") }) },
      pgSide(1),
      pgSide(2),
    ];
    const results: Record<string, Awaited<ReturnType<typeof measureSide>>> = {};
    for (const side of sides) {
      // One schema per side: its processes share it.
      const storage = side.storage;
      let shared: Record<string, unknown> | undefined;
      results[side.name] = await measureSide(
        chain.url,
        d.distributor,
        { ...side, storage: (dir) => (shared ??= storage(dir)) },
        warm,
        measured,
      );
      const r = results[side.name]!;
      console.log(
        `${side.name}: ${side.processes} process(es), ${r.rate.toFixed(0)} receipts/s; cores used: aggregators ` +
          `${r.cores.aggregators.toFixed(2)}, postgres ${r.cores.postgres.toFixed(2)}, load generator ` +
          `${r.cores.loadGenerator.toFixed(2)}`,
      );
    }
    const ratio = results.pg1!.rate / results.sqlite!.rate;
    const scaling = results.pg2!.rate / results.pg1!.rate;
    console.log(
      `ingest.pg.ratioVsSqlite ${ratio.toFixed(3)} (target >= 0.8), ingest.pg.scaling2 ${scaling.toFixed(3)} (target >= 1.5)`,
    );
    figures["ingest.pg.ratioVsSqlite"] = { value: Number(ratio.toFixed(3)), unit: "x" };
    figures["ingest.pg.scaling2"] = { value: Number(scaling.toFixed(3)), unit: "x" };
    figures["ingest.pg.receiptsPerSecond"] = { value: Math.round(results.pg1!.rate), unit: "receipts/s" };
  } finally {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    await chain.stop();
  }
}

// ------------------------------------------------------------------------------------------ 1M epoch close

const CLOSE_DOMAIN: MeshpayDomain = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const CLOSE_POOL: Hex = `0x${"7a".repeat(20)}000000000000000000000001`;
const CLOSE_GENESIS = 1_767_225_600;

/** Builds (once) a SQLite file holding one epoch of `receipts` signed receipts from `relays` relays. */
async function ensureCloseDatabase(receipts: number, relays: number): Promise<string> {
  const dir = resolve(root, ".data/bench");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `close-${receipts}-${relays}-v${migrations.at(-1)!.version}.db`);
  if (existsSync(path)) return path;
  console.log(
    `generating ${receipts.toLocaleString()} signed receipts from ${relays.toLocaleString()} relays (once; cached in ` +
      `${path})`,
  );
  const t0 = performance.now();
  const tmp = `${path}.tmp`;
  for (const s of ["", "-wal", "-shm"]) rmSync(tmp + s, { force: true });
  const { sqlite, close } = openDatabase(tmp, { synchronous: "NORMAL" });
  sqlite.pragma("synchronous = OFF");
  const f = await createFactory(CLOSE_DOMAIN);
  const r = xorshift(1234);
  const signerKey = f.key(r);
  const relayAddresses = Array.from({ length: relays }, () => hex(r(20)));
  const perTicket = 10;
  const insertTicket = sqlite.prepare(
    "INSERT INTO tickets (ticket_hash, pool_id, stream_id, viewer, not_before, not_after, max_bytes, signature, " +
      "signer, bytes_accepted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
  );
  const insertReceipt = sqlite.prepare(
    "INSERT INTO receipts (epoch, receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, " +
      "delivered_at, signature, accepted_at) VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
  );
  const signerAddress = f.address(signerKey);
  const base = BigInt(CLOSE_GENESIS) * 1000n;
  const chunkHash = hex(r(32));
  let done = 0;
  while (done < receipts) {
    sqlite.transaction(() => {
      for (let t = 0; t < 1000 && done < receipts; t++) {
        const viewerKey = f.key(r);
        const ticket: ViewerTicket = {
          poolId: CLOSE_POOL,
          streamId: chunkHash,
          viewer: f.address(viewerKey),
          notBefore: base,
          notAfter: base + 3_600_000n,
          maxBytes: 10n ** 12n,
        };
        const signed = f.ticket(ticket, signerKey);
        insertTicket.run(
          signed.ticketHash,
          CLOSE_POOL,
          ticket.streamId,
          ticket.viewer,
          String(base),
          String(base + 3_600_000n),
          "1000000000000",
          signed.signature,
          signerAddress,
          perTicket * 65536,
        );
        for (let c = 0; c < perTicket && done < receipts; c++, done++) {
          const relay = relayAddresses[done % relays]!;
          const receipt: ChunkReceipt = {
            poolId: CLOSE_POOL,
            ticketHash: signed.ticketHash,
            relay,
            segment: BigInt(done),
            chunk: c,
            chunkHash,
            size: 65536,
            deliveredAt: base + BigInt(done % 3_000_000),
          };
          const s = f.receipt(receipt, viewerKey);
          insertReceipt.run(
            s.receiptId,
            CLOSE_POOL,
            signed.ticketHash,
            relay,
            String(done),
            c,
            chunkHash,
            65536,
            receipt.deliveredAt,
            s.signature,
          );
        }
      }
    })();
    if (done % 100_000 === 0) process.stdout.write(`  ${done.toLocaleString()}\r`);
  }
  sqlite
    .prepare("INSERT INTO epoch_stats (epoch, pool_id, receipt_count, bytes) VALUES (0, ?, ?, ?)")
    .run(CLOSE_POOL, receipts, receipts * 65536);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  close();
  renameSync(tmp, path);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return path;
}

/** Child mode: close epoch 0 of the cached database; report time, phases and peak RSS. */
async function childClose(dbPath: string, outDir: string): Promise<void> {
  const result = await prepareEpoch({
    source: { engine: "sqlite", path: dbPath },
    bundleDir: outDir,
    epoch: 0,
    attempt: 1,
    chainId: CLOSE_DOMAIN.chainId as number,
    distributor: CLOSE_DOMAIN.verifyingContract,
    genesisTime: CLOSE_GENESIS,
    epochSeconds: 3600,
    graceSeconds: 300,
    snapshotBlock: 1,
    // Underfunded on purpose, so every amount goes through pro-rata scaling.
    pools: [{ poolId: CLOSE_POOL, pricePerGB: "1000000", available: "1000000" }],
    signerHistories: [],
    previous: null,
    tamper: null,
  });
  process.stdout.write(
    JSON.stringify({
      seconds: result.seconds,
      phases: result.phases,
      receipts: result.receiptCount,
      leaves: result.leafCount,
      bytes: result.bytes,
      peakMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function benchClose(figures: Record<string, BenchFigure>): Promise<void> {
  const receipts = quick ? 50_000 : 1_000_000;
  const relays = quick ? 5_000 : 100_000;
  const dbPath = await ensureCloseDatabase(receipts, relays);
  const check = new Database(dbPath, { readonly: true });
  const count = check.prepare("SELECT COUNT(*) FROM receipts WHERE epoch = 0").pluck().get() as number;
  check.close();
  if (count !== receipts)
    throw new Error(`${dbPath} holds ${count} receipts, expected ${receipts}: delete it to regenerate`);
  const outDir = mkdtempSync(join(tmpdir(), "meshpay-bench-close-"));
  try {
    const out = execFileSync(nodeBin, [resolve(import.meta.filename), "--child-close", dbPath, outDir], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(out) as {
      seconds: number;
      phases: Record<string, number>;
      receipts: number;
      leaves: number;
      bytes: number;
      peakMiB: number;
    };
    const phases = Object.entries(r.phases)
      .filter(([k]) => !k.endsWith("Cpu"))
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(", ");
    console.log(
      `epoch close: ${r.receipts.toLocaleString()} receipts, ${r.leaves.toLocaleString()} leaves, bundle ` +
        `${(r.bytes / 2 ** 20).toFixed(0)} MiB (${(r.bytes / r.receipts).toFixed(1)} bytes a receipt) in ` +
        `${r.seconds.toFixed(1)} s (${phases}); peak RSS ` +
        `${r.peakMiB.toFixed(0)} MiB`,
    );
    if (!quick) {
      figures["epochClose.1m.seconds"] = { value: Number(r.seconds.toFixed(1)), unit: "s" };
      figures["epochClose.1m.peakMiB"] = { value: Math.round(r.peakMiB), unit: "MiB" };
      figures["bundle.bytesPerReceipt"] = { value: Number((r.bytes / r.receipts).toFixed(1)), unit: "bytes" };
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child-raw-verify") await childRawVerify();
else if (process.argv[2] === "--child-close") await childClose(process.argv[3]!, process.argv[4]!);
else if (process.argv[2] === "--generate-only") await ensureCloseDatabase(1_000_000, 100_000);
else if (process.argv.includes("--only") && process.argv[process.argv.indexOf("--only") + 1] === "ingest.pg") {
  const figures: Record<string, BenchFigure> = {};
  await benchIngestPostgres(figures);
  if (!quick) {
    recordResults(figures);
    console.log("recorded:", figures);
  }
} else if (process.argv.includes("--close-only")) {
  const figures: Record<string, BenchFigure> = {};
  await benchClose(figures);
  if (!quick) {
    recordResults(figures);
    console.log("recorded:", figures);
  }
} else {
  const figures: Record<string, BenchFigure> = {};
  console.log(
    `aggregator ` +
      `benchmarks${quick ? " (quick: small sizes, nothing recorded)" : ""}${hasTaskset ? "" : " (no taskset: processes are not pinned)"}`,
  );
  await benchIngest(figures);
  await benchIngestPostgres(figures);
  await benchClose(figures);
  if (!quick) {
    recordResults(figures);
    console.log("recorded:", figures);
  }
}
