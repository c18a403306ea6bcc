// Test helper: a real `npx hardhat node` on a free port, in its own process group so that stop() ends exactly the
// processes this test started (npx, its shell and the node) and nothing else.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export type HardhatNode = { url: string; port: number; pid: number; stop(): Promise<void> };

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startHardhatNode(): Promise<HardhatNode> {
  const port = await freePort();
  const child = spawn("npx", ["hardhat", "node", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // npx must find the project's Node 24 (Hardhat 3) before the system Node.
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${repoRoot}node_modules/.bin:${process.env.PATH ?? ""}`,
    },
  });
  let log = "";
  child.stdout.on("data", (d: Buffer) => {
    if (log.length < 10_000) log += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    if (log.length < 10_000) log += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, "exit");
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const stop = async () => {
    if (!alive) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (alive) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
  };
  process.once("exit", () => {
    if (alive)
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
  });
  const started = Date.now();
  for (;;) {
    if (!alive) throw new Error(`hardhat node exited before answering:\n${log}`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() - started > 60_000) {
      await stop();
      throw new Error(`hardhat node did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, pid: child.pid!, stop };
}

/** A JSON-RPC call to the node (time travel and the like). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Mines a block at `timestamp` (unix seconds), or one second after the latest block if that is later. */
export async function mineAt(url: string, timestamp: bigint): Promise<bigint> {
  const latest = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  const next = BigInt(latest.timestamp) + 1n > timestamp ? BigInt(latest.timestamp) + 1n : timestamp;
  await rpc(url, "evm_setNextBlockTimestamp", [`0x${next.toString(16)}`]);
  await rpc(url, "evm_mine");
  return next;
}
