// Test helper: a real Anvil (the npm package @foundry-rs/anvil-linux-amd64) on a free port, in its own process group
// so that stop() ends exactly the process this test started. Same accounts and chain id as a Hardhat node.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { freePort, type HardhatNode, repoRoot, rpc } from "./startHardhatNode.ts";

export const anvilBinary = join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

/** `limits`: anvil's contract size options (default: raised, as the Solidity tests' contracts need; [] for mainnet's). */
export async function startAnvilNode(limits: string[] = ["--code-size-limit", "200000"]): Promise<HardhatNode> {
  const port = await freePort();
  const child = spawn(anvilBinary, ["--port", String(port), "--host", "127.0.0.1", "--chain-id", "31337", ...limits], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (d: Buffer) => {
    if (log.length < 10_000) log += d.toString();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, "exit");
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone
    }
  };
  const stop = async () => {
    if (!alive) return;
    kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (alive) kill("SIGKILL");
  };
  process.once("exit", () => {
    if (alive) kill("SIGKILL");
  });
  for (let attempt = 0; ; attempt++) {
    if (!alive) throw new Error(`anvil exited before answering:\n${log}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (attempt > 300) {
        await stop();
        throw new Error(`anvil did not answer:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, port, pid: child.pid!, stop };
}
