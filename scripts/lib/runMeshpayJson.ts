import { spawn } from "node:child_process";
import type { Hex } from "../../src/protocol/types.ts";

/**
 * Runs the real CLI (`node bin/meshpay.js --json …args`) in `cwd`, signing with `key` (MESHPAY_PRIVATE_KEY) when
 * given, and returns its parsed JSON; throws with its output when it exits non-zero.
 */
export async function runMeshpayJson(cwd: string, key: Hex | undefined, args: string[]): Promise<any> {
  const child = spawn(process.execPath, ["bin/meshpay.js", "--json", ...args], {
    cwd,
    env: { ...process.env, ...(key ? { MESHPAY_PRIVATE_KEY: key } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code: number = await new Promise((r) => child.on("close", (c) => r(c ?? 1)));
  if (code !== 0) throw new Error(`meshpay ${args.join(" ")} exited ${code}: ${out}${err}`);
  return JSON.parse(out);
}
