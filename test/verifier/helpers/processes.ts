// Test helper: real processes — a `hardhat node` chain and the verifier (`node src/verifier/main.ts`).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const NODE = resolve(ROOT, "node_modules/.bin/node");

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what`). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  intervalMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type Proc = {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

function track(child: ChildProcess): Proc {
  let out = "";
  child.stdout?.on("data", (d) => (out = (out + d).slice(-200_000)));
  child.stderr?.on("data", (d) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    child,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `hardhat node` on a free port; resolves once it serves JSON-RPC. */
export async function startHardhatNode(): Promise<Proc & { url: string }> {
  const port = await freePort();
  const child = spawn(
    NODE,
    [resolve(ROOT, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const proc = track(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "hardhat node",
    async () => {
      if (child.exitCode !== null) throw new Error(`hardhat node exited: ${proc.output()}`);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      });
      return res.ok;
    },
    30_000,
  );
  // Its per-request logging is noise here.
  await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"jsonrpc":"2.0","id":1,"method":"hardhat_setLoggingEnabled","params":[false]}',
  });
  return Object.assign(proc, { url });
}

/** The verifier process with `configFile`; resolves once /healthz answers. */
export async function startVerifierProcess(args: {
  configFile: string;
  env: Record<string, string>;
  url: string;
}): Promise<Proc> {
  const child = spawn(NODE, [resolve(ROOT, "src/verifier/main.ts"), "--config", args.configFile], {
    cwd: ROOT,
    env: { ...process.env, ...args.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc = track(child);
  await waitFor(
    "the verifier's /healthz",
    async () => {
      if (child.exitCode !== null) throw new Error(`the verifier exited with ${child.exitCode}: ${proc.output()}`);
      return (await fetch(`${args.url}/healthz`)).status === 200;
    },
    20_000,
  );
  return proc;
}
