// Runs the aggregator as a real process (node src/aggregator/main.ts --config <file>) for the tests; with `faults`,
// the test entry point scripts/faults/faultyAggregatorMain.ts instead. No tests here.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import type { CrashPoint } from "../../../scripts/faults/crashPoints.ts";
import type { FaultConfig } from "../../../scripts/faults/faultKinds.ts";
import { freePort } from "./localChain.ts";

const root = resolve(import.meta.dirname, "../../..");
const nodeBin = resolve(root, "node_modules/.bin/node");

export type AggregatorProcess = {
  url: string;
  port: number;
  dir: string;
  dbPath: string;
  configPath: string;
  logPath: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
};

const workDirs: string[] = [];
process.once("exit", () => {
  if (process.env.MESHPAY_KEEP_TEST_DIRS) return;
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A temporary folder for one test's aggregator (database, bundles, config, log), removed when the test process
 * exits (kept with MESHPAY_KEEP_TEST_DIRS=1, to read the logs of a failure).
 */
export function makeWorkDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `meshpay-agg-${name}-`));
  mkdirSync(join(dir, "bundles"), { recursive: true });
  workDirs.push(dir);
  return dir;
}

/** The config a test aggregator runs with; `overrides` are merged per section. */
export function aggregatorConfig(args: {
  dir: string;
  port: number;
  rpcUrl: string;
  distributor: Hex;
  fromBlock: bigint;
  overrides?: Record<string, Record<string, unknown> | null>;
}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown> | null> = {
    http: { host: "127.0.0.1", port: args.port },
    storage: { path: join(args.dir, "aggregator.db"), bundleDir: join(args.dir, "bundles") },
    chain: {
      rpcUrl: args.rpcUrl,
      distributor: args.distributor,
      fromBlock: Number(args.fromBlock),
      pollIntervalMs: 200,
      requestTimeoutMs: 3000,
    },
    posting: { enabled: true, resendAfterMs: 5000 },
    rateLimit: {
      requestsPerSecond: 10_000,
      requestBurst: 10_000,
      receiptsPerSecond: 10_000_000,
      receiptBurst: 10_000_000,
    },
    log: { level: "info" },
  };
  for (const [k, v] of Object.entries(args.overrides ?? {})) base[k] = v === null ? null : { ...(base[k] ?? {}), ...v };
  return base;
}

/**
 * Spawns the aggregator with `config` (written to <dir>/config.json) and `env`, logs to <dir>/aggregator.log, and
 * waits until GET /healthz answers 200 (unless `waitReady` is false). `faults` start the faulty test entry point.
 */
export async function startAggregatorProcess(args: {
  dir: string;
  config: Record<string, unknown>;
  env?: Record<string, string>;
  waitReady?: boolean;
  faults?: { fault?: FaultConfig; crashAt?: CrashPoint };
}): Promise<AggregatorProcess> {
  const configPath = join(args.dir, "config.json");
  writeFileSync(configPath, JSON.stringify(args.config, null, 2));
  const logPath = join(args.dir, "aggregator.log");
  const log = createWriteStream(logPath, { flags: "a" });
  const { fault, crashAt } = args.faults ?? {};
  const entry = args.faults
    ? [
        resolve(root, "scripts/faults/faultyAggregatorMain.ts"),
        ...(fault ? ["--fault", JSON.stringify(fault)] : []),
        ...(crashAt ? ["--crash-at", crashAt] : []),
      ]
    : [resolve(root, "src/aggregator/main.ts")];
  const child = spawn(nodeBin, [...entry, "--config", configPath], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...args.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | string>((ok) => child.once("exit", (code, signal) => ok(code ?? signal ?? -1)));
  const http = (args.config.http ?? {}) as { port?: number; host?: string };
  const port = http.port!;
  const url = `http://127.0.0.1:${port}`;
  const proc: AggregatorProcess = {
    url,
    port,
    dir: args.dir,
    dbPath: ((args.config.storage ?? {}) as { path: string }).path,
    configPath,
    logPath,
    child,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (args.waitReady ?? true) await waitHealthy(proc);
  return proc;
}

/** Polls /healthz until 200, failing if the process exits or `timeoutMs` passes. */
export async function waitHealthy(p: AggregatorProcess, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`aggregator exited (${p.child.exitCode ?? p.child.signalCode}); see ${p.logPath}`);
    try {
      const res = await fetch(`${p.url}/healthz`);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`aggregator not healthy after ${timeoutMs} ms; see ${p.logPath}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { freePort };

/** Waits until `fn` returns a truthy value (polling), or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** POSTs a batch; returns status, headers and parsed JSON. */
export async function postBatch(
  url: string,
  body: unknown,
  key: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}/v1/receipts`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { unparsed: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
