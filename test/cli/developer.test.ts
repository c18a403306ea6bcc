// The developer's paths through the real `meshpay` process: `dev node --deploy` starts a local Hardhat chain and
// deploys on it, `dev status` reads it, `dev deploy` takes custom parameters and writes another deployment file,
// SIGTERM stops the chain; and the errors: no deployment file, an RPC that does not answer.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli } from "./helpers/runCli.ts";
import { freePort, repoRoot } from "./helpers/startHardhatNode.ts";

describe("meshpay for developers", () => {
  const dir = mkdtempSync(join(tmpdir(), "meshpay-cli-dev-"));
  const run = cli({ cwd: dir });
  let port: number;
  let devNode: ChildProcess;
  let ready: {
    rpcUrl: string;
    chainId: number;
    pid: number;
    blockTimeSeconds: number;
    deployment: { distributor: string; deploymentFile: string };
  };
  let stdout = "";
  let stderr = "";

  before(async () => {
    port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, HOME: dir, MESHPAY_PROGRESS: "never" };
    for (const k of Object.keys(env)) if (k.startsWith("MESHPAY_") && k !== "MESHPAY_PROGRESS") delete env[k];
    devNode = spawn(
      process.execPath,
      [`${repoRoot}bin/meshpay.js`, "--json", "dev", "node", "--port", String(port), "--deploy"],
      { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    devNode.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    devNode.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    while (!stdout.includes("\n")) {
      if (devNode.exitCode !== null || Date.now() - started > 60_000)
        throw new Error(`dev node did not get ready:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    ready = JSON.parse(stdout.split("\n")[0]!);
  });
  after(async () => {
    if (devNode && devNode.exitCode === null) devNode.kill("SIGKILL");
    // The chain runs in its own process group; end it if the test failed before meshpay did.
    try {
      if (ready) process.kill(-ready.pid, "SIGKILL");
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts a local chain, deploys on it and writes the deployment file the other commands read", async () => {
    assert.equal(ready.rpcUrl, `http://127.0.0.1:${port}`);
    assert.equal(ready.chainId, 31337);
    const file = JSON.parse(readFileSync(join(dir, ".meshpay/deployment.json"), "utf8"));
    assert.deepEqual(
      [file.format, file.chainId, file.rpcUrl, file.distributor],
      ["meshpay-deployment", 31337, ready.rpcUrl, ready.deployment.distributor],
    );
    assert.match(file.token, /^0x[0-9a-fA-F]{40}$/);
    assert.match(file.hasher, /^0x[0-9a-fA-F]{40}$/);

    const status = await run(["dev", "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`Chain 31337 at ${ready.rpcUrl}: block \\d+`));
    assert.match(status.stdout, /epochs:\s+1m from .*, grace 10s, challenge window 5m/);
    // Genesis is the deploy block's time rounded down to a minute: the status may already be in the next epoch.
    const [, shownAt] = /: block \d+, (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\n/.exec(status.stdout)!;
    const [, genesisAt] = /epochs:\s+1m from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(status.stdout)!;
    const epoch = Math.floor(
      (Date.parse(`${shownAt!.replace(" ", "T")}Z`) - Date.parse(`${genesisAt!.replace(" ", "T")}Z`)) / 60_000,
    );
    assert.match(status.stdout, new RegExp(`current epoch:\\s+${epoch} \\(closes in`));
    assert.ok(epoch <= 1, `epoch ${epoch}`);
    assert.match(status.stdout, /Pools: none/);
    assert.match(status.stdout, /Epochs: none posted/);
  });

  it("mines a block every --block-time (2 s by default) so that chain time moves while nothing happens", async () => {
    assert.equal(ready.blockTimeSeconds, 2);
    const head = async () =>
      BigInt(
        (
          (await (
            await fetch(ready.rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
            })
          ).json()) as { result: string }
        ).result,
      );
    const before = await head();
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok((await head()) > before);
  });

  it("deploys again with custom parameters to another deployment file", async () => {
    const r = await run([
      "--json",
      "--deployment",
      "fast.json",
      "dev",
      "deploy",
      "--rpc",
      ready.rpcUrl,
      "--epoch-seconds",
      "30s",
      "--challenge-window",
      "2m",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.config.epochSeconds, "30");
    assert.equal(out.config.challengeWindow, "120");
    assert.equal(BigInt(out.config.genesisTime) % 30n, 0n);
    assert.notEqual(out.distributor, ready.deployment.distributor);
    const status = await run(["--json", "--deployment", "fast.json", "dev", "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json().distributor, out.distributor);
    assert.equal(status.json().config.challengeWindow, "120");
  });

  it("says what is missing: no deployment file (exit 2), an RPC that does not answer (exit 3), windows too long for the epochs (exit 2)", async () => {
    const none = await run(["dev", "status", "--deployment", "missing.json"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No deployment file at .*missing\.json/);
    assert.match(none.stderr, /hint: Deploy locally with `meshpay dev deploy`/);
    const dead = await run(["dev", "deploy", "--rpc", `http://127.0.0.1:${await freePort()}`]);
    assert.equal(dead.code, 3);
    // 6-second epochs with the default windows (5m + 10m): more epochs than may be pending at once.
    const short = await run([
      "dev",
      "deploy",
      "--rpc",
      ready.rpcUrl,
      "--deployment",
      "short.json",
      "--epoch-seconds",
      "6",
    ]);
    assert.equal(short.code, 2, short.stdout + short.stderr);
    assert.match(
      short.stderr,
      /With 6s epochs, the challenge window \(5m\) plus the arbiter timeout \(10m\) may span at most 56 epochs \(5m 36s\): the contract keeps at most 64 epochs pending\./,
    );
    assert.match(short.stderr, /hint: Shorten them with --challenge-window and --arbiter-timeout/);
    const fits = await run([
      "--json",
      "--deployment",
      "short.json",
      "dev",
      "deploy",
      "--rpc",
      ready.rpcUrl,
      "--epoch-seconds",
      "6",
      "--challenge-window",
      "1m",
      "--arbiter-timeout",
      "2m",
    ]);
    assert.equal(fits.code, 0, fits.stdout + fits.stderr);
  });

  it("stops the chain on SIGTERM and exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => devNode.once("exit", (code) => resolve(code)));
    devNode.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /"stoppedBy": "SIGTERM"/);
    await assert.rejects(fetch(ready.rpcUrl, { method: "POST", body: "{}" }));
  });
});
