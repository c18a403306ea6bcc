import { dirname, join } from "node:path";
import type { CommandContext } from "../../context/CliDeps.ts";
import { projectRoot } from "../../context/projectRoot.ts";
import { resolveFromSourceCheckout } from "../../context/resolveFromSourceCheckout.ts";
import { CliError } from "../../errors/CliError.ts";
import { parseDuration } from "../../format/parseDuration.ts";
import { type DeployDevArgs, type DeployDevResult, deployDev } from "./deployDev.ts";

export type DevNodeReady = {
  rpcUrl: string;
  chainId: number;
  pid: number;
  blockTimeSeconds: number;
  deployment?: DeployDevResult;
};
export type DevNodeResult = DevNodeReady & { stoppedBy: NodeJS.Signals | "exit"; exitCode: number | null };

/**
 * `meshpay dev node`: starts a local Hardhat chain (`hardhat node`, run by this Node in its own process group) on
 * --hostname/--port, waits until it answers, turns on interval mining (a block every --block-time, default 2 s, as
 * well as one per transaction), optionally deploys (--deploy, as `meshpay dev deploy`), calls `onReady`,
 * and runs until the chain exits or this process gets SIGINT/SIGTERM, which stops the chain's whole process group.
 */
export async function startDevNode(
  args: { port?: string; hostname?: string; deploy?: boolean; blockTime?: string } & DeployDevArgs,
  ctx: CommandContext,
  onReady: (ready: DevNodeReady) => void,
): Promise<DevNodeResult> {
  const port = Number(args.port ?? "8545");
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError("USAGE", `--port must be a TCP port, not ${JSON.stringify(args.port)}.`);
  const hostname = args.hostname ?? "127.0.0.1";
  const blockTime = Number(parseDuration(args.blockTime ?? "2s", "block time"));
  const rpcUrl = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${port}`;
  const hardhatCli = join(dirname(resolveFromSourceCheckout("hardhat/package.json", "dev node")), "dist/src/cli.js");

  const child = ctx.deps.spawn(process.execPath, [hardhatCli, "node", "--port", String(port), "--hostname", hostname], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...ctx.deps.env, FORCE_COLOR: "0" },
  });
  let log = "";
  const forward = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (log.length < 20_000) log += text;
    if (!ctx.output.json) ctx.deps.stdout.write(text);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stoppedBy: NodeJS.Signals | "exit" = "exit";
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const removeSignal = ctx.deps.onSignal(stop);
  try {
    const chainId = await waitForRpc(ctx, rpcUrl, exited, () => log);
    // Besides mining each transaction at once, mine a block every blockTime seconds, so that chain time moves on
    // while nothing happens: the aggregator waits for a block after an epoch closes before posting it. Hardhat's
    // evm_setIntervalMining takes milliseconds (Anvil's takes seconds: there, `anvil --block-time 1`).
    if (blockTime > 0) await rpcCall(ctx, rpcUrl, "evm_setIntervalMining", [blockTime * 1000]);
    const ready: DevNodeReady = { rpcUrl, chainId, pid: child.pid!, blockTimeSeconds: blockTime };
    if (args.deploy)
      ready.deployment = await deployDev(
        { ...args, intervalMiningOn: blockTime > 0 },
        { ...ctx, globals: { ...ctx.globals, rpc: rpcUrl } },
      );
    onReady(ready);
    const exitCode = await exited;
    return { ...ready, stoppedBy, exitCode };
  } catch (err) {
    stop("SIGTERM");
    await exited;
    throw err;
  } finally {
    removeSignal();
  }
}

async function rpcCall(ctx: CommandContext, rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await ctx.deps.fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error)
    throw new CliError(
      "CHILD_PROCESS_FAILED",
      `The local chain refused ${method}: ${body.error.message ?? "unknown error"}.`,
    );
  return body.result;
}

async function waitForRpc(
  ctx: CommandContext,
  rpcUrl: string,
  exited: Promise<number | null>,
  log: () => string,
): Promise<number> {
  let done = false;
  let exitCode: number | null = null;
  void exited.then((code) => {
    done = true;
    exitCode = code;
  });
  const started = ctx.deps.now();
  while (!done) {
    try {
      const res = await ctx.deps.fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(2000),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result) return Number(BigInt(body.result));
    } catch {
      // not up yet
    }
    if (ctx.deps.now() - started > 60_000)
      throw new CliError("TIMEOUT", `The local chain did not answer at ${rpcUrl} within 60 s.`);
    await ctx.deps.sleep(200);
  }
  throw new CliError(
    "CHILD_PROCESS_FAILED",
    `The local chain exited (code ${exitCode}) before it answered at ${rpcUrl}.`,
    {
      details: log().split("\n").slice(-15).join("\n"),
      hint: "Is the port already in use? Choose another with --port.",
    },
  );
}
