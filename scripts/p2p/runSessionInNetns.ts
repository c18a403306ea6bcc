import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createNetns } from "./netns.ts";
import type { P2pSessionOptions } from "./runP2pSession.ts";

/**
 * Creates a network namespace of its own (netns.ts), runs one P2P session in it as a child process
 * (sessionMain.ts under `ip netns exec`), and deletes the namespace afterwards, whatever happened. Resolves
 * with the session's result; rejects with its log tail when it fails. Progress lines go to `onLine`.
 */
export async function runSessionInNetns(
  options: Omit<P2pSessionOptions, "host" | "log">,
  onLine: (line: string) => void = () => undefined,
  timeoutMs = 600_000,
): Promise<any> {
  const ns = createNetns();
  const root = resolve(import.meta.dirname, "../..");
  try {
    const child = spawn(
      ns.exec[0]!,
      [
        ...ns.exec.slice(1),
        process.execPath,
        "scripts/p2p/sessionMain.ts",
        JSON.stringify({ ...options, host: ns.host }),
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let out = "";
    let tail: string[] = [];
    let partial = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        tail = [...tail.slice(-40), line];
        onLine(line);
      }
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    }, timeoutMs);
    const code: number = await new Promise((r) => child.on("close", (c) => r(c ?? 1)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`the P2P session exited ${code}:\n${tail.join("\n")}`);
    return JSON.parse(out.trim().split("\n").pop()!);
  } finally {
    ns.remove();
  }
}
