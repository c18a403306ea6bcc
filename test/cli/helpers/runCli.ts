// Test helper: runs the real `meshpay` command (node bin/meshpay.js …) as a child process.
import { spawn } from "node:child_process";
import { repoRoot } from "./startHardhatNode.ts";

export type CliRun = { code: number | null; stdout: string; stderr: string; json<T = any>(): T };

export type CliEnv = { cwd: string; env?: Record<string, string | undefined> };

/** Runs `node bin/meshpay.js ...args` in `cwd` with a clean meshpay environment plus `env`; optional stdin text. */
export function runCli(opts: CliEnv, args: string[], stdin?: string): Promise<CliRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: opts.cwd,
    MESHPAY_PROGRESS: "never",
    NO_COLOR: "1",
  };
  for (const k of Object.keys(env)) if (k.startsWith("MESHPAY_") && k !== "MESHPAY_PROGRESS") delete env[k];
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, [`${repoRoot}bin/meshpay.js`, ...args], {
    cwd: opts.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin ?? "");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`meshpay ${args.join(" ")} did not finish in 60 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(
              `meshpay ${args.join(" ")} printed no JSON (exit ${code}):\nstdout: ${stdout}\nstderr: ${stderr}`,
            );
          }
        },
      });
    });
  });
}

/** A runner bound to one working directory and environment. */
export function cli(base: CliEnv) {
  return (args: string[], extra: { env?: Record<string, string | undefined>; stdin?: string } = {}) =>
    runCli({ cwd: base.cwd, env: { ...base.env, ...extra.env } }, args, extra.stdin);
}

/** Hardhat's well-known development keys (accounts #0–#9 of every `hardhat node`). */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
] as const;
