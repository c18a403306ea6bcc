// The README's jobs from the installed packages only (test/packages/helpers/installPackages.ts): on a fresh Anvil
// with mainnet's contract size limits and an ERC-20 that exists already, `meshpay deploy` from the installed
// `meshpay` command, the broadcaster's steps (pool create, fund, ticket issue, pool status), a relay written as a
// plain .mjs against the installed @meshpay/relay-sdk that signs the ticket's receipts and submits them to the real
// aggregator (started from the repository, as the services are not a package), then the relay operator's steps
// (receipts, rewards, claim) once the aggregator has posted the epoch. Asserts what the user reads.
import assert from "node:assert/strict";
import { type ExecFileException, execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, erc20Abi, type Hex, http, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import type { Address } from "../../src/protocol/types.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
} from "../aggregator/helpers/aggregatorProcess.ts";
import { DEV_KEYS } from "../cli/helpers/runCli.ts";
import { startAnvilNode } from "../cli/helpers/startAnvilNode.ts";
import { type HardhatNode, mineAt } from "../cli/helpers/startHardhatNode.ts";
import { installedEnv, installPackages, repoRoot } from "./helpers/installPackages.ts";

const PASSWORD = "correct horse battery staple";
const [DEPLOYER, ADMIN, BROADCASTER, RELAY] = DEV_KEYS;
const AGGREGATOR_KEY = DEV_KEYS[5];
const admin = privateKeyToAccount(ADMIN).address;
const broadcaster = privateKeyToAccount(BROADCASTER).address;
const relay = privateKeyToAccount(RELAY).address;
const EPOCH_SECONDS = 6;
const GRACE_SECONDS = 1;
const CHALLENGE_WINDOW = 60;
// 20 chunks of 1 MB at 2.5 SUSD per GB: 0.05 SUSD.
const CHUNKS = 20;
const CHUNK_BYTES = 1_000_000;

type Run = { code: number; stdout: string; stderr: string };

/** Runs `file args` in `cwd`, killed after 60 s; resolves with the exit code and output (a failure is a result). */
function runIn(cwd: string, file: string, args: string[], env: Record<string, string> = {}, stdin = ""): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(installedEnv).filter(([k]) => !k.startsWith("MESHPAY_")));
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd, env: { ...clean, ...env }, timeout: 60_000, killSignal: "SIGKILL", maxBuffer: 16 << 20 },
      (error: ExecFileException | null, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

const relayScript = `// A relay node: signs the viewer's receipts with its session key (what the player does in the viewer's browser),
// stores them and submits them to the aggregator.
import { readFileSync } from "node:fs";
import { signedViewerTicketFromJson } from "@meshpay/protocol/wire/signedViewerTicketFromJson";
import { createReceiver } from "@meshpay/relay-sdk/receiver/createReceiver";
import { createRelay } from "@meshpay/relay-sdk/relay/createRelay";

const [aggregatorUrl, relay, chunks, chunkBytes] = process.argv.slice(2);
const deployment = JSON.parse(readFileSync(".meshpay/deployment.json", "utf8"));
const domain = { chainId: deployment.chainId, verifyingContract: deployment.distributor };
const ticket = JSON.parse(readFileSync("ticket.json", "utf8"));
const session = JSON.parse(readFileSync("session.json", "utf8"));
let node;
try {
  node = await createRelay({ dbPath: "relay.sqlite", aggregatorUrl, relay, domain });
} catch (e) {
  console.log(JSON.stringify({ error: { code: e.code, message: e.message } }));
  process.exit(1);
}
const receiver = createReceiver({ domain, ticket: signedViewerTicketFromJson(ticket), sessionKey: session.privateKey });
await node.addTicket(ticket);
const deliveredAt = [];
for (let chunk = 0; chunk < Number(chunks); chunk++) {
  const { signed } = receiver.signChunk({ bytes: new Uint8Array(Number(chunkBytes)).fill(chunk), relay, segment: 0, chunk });
  deliveredAt.push(Number(signed.receipt.deliveredAt));
  await node.addReceipt(signed);
}
const flushed = await node.flush();
await node.close();
console.log(JSON.stringify({ deliveredAt, batches: flushed.batches, complete: flushed.complete }));
`;

const sessionScript = `import { createViewerSessionKey } from "@meshpay/relay-sdk/receiver/createViewerSessionKey";
console.log(JSON.stringify(createViewerSessionKey()));
`;

/** Deploys the repository's TestToken (an open-mint ERC-20) from its build artifact and mints 5,000 to `to`. */
async function deployToken(url: string, to: Address): Promise<Address> {
  const artifact = JSON.parse(
    readFileSync(join(repoRoot, "artifacts/contracts/mocks/TestToken.sol/TestToken.json"), "utf8"),
  );
  const wallet = createWalletClient({ account: privateKeyToAccount(DEPLOYER), chain: foundry, transport: http(url) });
  const client = createPublicClient({ chain: foundry, transport: http(url) });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode as Hex,
    args: ["Stable USD", "SUSD", 6],
  });
  const token = (await client.waitForTransactionReceipt({ hash })).contractAddress! as Address;
  const minted = await wallet.writeContract({
    address: token,
    abi: artifact.abi,
    functionName: "mint",
    args: [to, parseUnits("5000", 6)],
  });
  await client.waitForTransactionReceipt({ hash: minted });
  return token;
}

describe("installed packages: meshpay deploy to a fresh Anvil, then the README's broadcaster and relay steps", {
  timeout: 600_000,
}, () => {
  let node: HardhatNode | undefined;
  let aggregator: AggregatorProcess | undefined;
  let work: string;
  let bin: string;
  let token: Address;
  let pool: Hex;
  let deployment: { chainId: number; distributor: Address; fromBlock: string };
  let genesis: number;
  let epoch: bigint;
  const killAggregator = () => aggregator?.child.kill("SIGKILL");
  const meshpay = (args: string[], env: Record<string, string> = {}, stdin = "") =>
    runIn(work, bin, args, { HOME: work, MESHPAY_PROGRESS: "never", ...env }, stdin);
  const asBroadcaster = (args: string[]) => meshpay(args, { MESHPAY_PRIVATE_KEY: BROADCASTER });
  const asRelay = (args: string[]) => meshpay(args, { MESHPAY_PRIVATE_KEY: RELAY });
  const client = () => createPublicClient({ chain: foundry, transport: http(node!.url) });

  before(async () => {
    const { app } = await installPackages();
    work = join(app, "operator");
    mkdirSync(work);
    bin = join(app, "node_modules/.bin/meshpay");
    writeFileSync(join(work, "relay.mjs"), relayScript);
    writeFileSync(join(work, "session.mjs"), sessionScript);
    // Mainnet's contract size limits, and a block every second as on a real chain (the aggregator posts an epoch once a
    // block past its close exists).
    node = await startAnvilNode(["--block-time", "1"]);
    token = await deployToken(node.url, broadcaster);
    process.once("exit", killAggregator);
  });
  after(async () => {
    // SIGTERM, then SIGKILL after 10 s: a hung aggregator must not keep the test run alive.
    if (aggregator) await Promise.race([aggregator.kill(), new Promise((r) => setTimeout(r, 10_000))]);
    killAggregator();
    process.off("exit", killAggregator);
    await node?.stop();
  });

  it("deploys with `meshpay deploy` from a keystore and prints the deployment", async () => {
    const imported = await meshpay(
      ["key", "import", "--out", "deployer.json"],
      { MESHPAY_KEYSTORE_PASSWORD: PASSWORD },
      `${DEPLOYER}\n`,
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`^Imported the key of ${privateKeyToAccount(DEPLOYER).address}`, "m"));
    const deployed = await meshpay(
      [
        "deploy",
        "--rpc",
        node!.url,
        "--key",
        "deployer.json",
        "--token",
        token,
        "--admin",
        admin,
        "--epoch-seconds",
        `${EPOCH_SECONDS}s`,
        "--grace-seconds",
        `${GRACE_SECONDS}s`,
        "--challenge-window",
        `${CHALLENGE_WINDOW}s`,
        "--arbiter-timeout",
        "2m",
      ],
      { MESHPAY_KEYSTORE_PASSWORD: PASSWORD },
    );
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.match(deployed.stdout, new RegExp(`^Deployed to chain 31337 at ${node!.url}$`, "m"));
    assert.match(deployed.stdout, new RegExp(`^token:\\s+SUSD \\(${token}, 6 decimals\\)$`, "im"));
    assert.match(deployed.stdout, new RegExp(`^admin:\\s+${admin}$`, "m"));
    assert.match(deployed.stdout, /^epochs:\s+6s, grace 1s, challenge window 1m, arbiter timeout 2m$/m);
    const genesisLine = /^genesis:\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC \(epoch 0\)$/m.exec(deployed.stdout);
    assert.ok(genesisLine, deployed.stdout);
    genesis = Date.parse(`${genesisLine[1]}T${genesisLine[2]}Z`) / 1000;
    assert.match(deployed.stdout, /^Deployment file: .*\/operator\/\.meshpay\/deployment\.json$/m);
    deployment = JSON.parse(readFileSync(join(work, ".meshpay/deployment.json"), "utf8"));
    assert.equal(deployment.chainId, 31337);
    assert.match(deployed.stdout, new RegExp(`^RewardDistributor:\\s+${deployment.distributor}$`, "im"));
  });

  it("serves the broadcaster's steps: pool create, pool fund, ticket issue, pool status", async () => {
    const created = await asBroadcaster([
      "pool",
      "create",
      "--price",
      "2.5",
      "--metadata",
      "https://example.com/streams/launch",
    ]);
    assert.equal(created.code, 0, created.stdout + created.stderr);
    pool = /^Created pool (0x[0-9a-f]{64})$/m.exec(created.stdout)?.[1] as Hex;
    assert.ok(pool, created.stdout);
    assert.equal(pool.slice(0, 42), token.toLowerCase());
    assert.match(created.stdout, new RegExp(`^token:\\s+SUSD \\(${token}, 6 decimals\\)$`, "im"));
    assert.match(created.stdout, /^price:\s+2\.5 SUSD per GB$/m);
    assert.match(created.stdout, /^metadata:\s+https:\/\/example\.com\/streams\/launch$/m);

    const funded = await asBroadcaster(["pool", "fund", pool, "5000"]);
    assert.equal(funded.code, 0, funded.stdout + funded.stderr);
    assert.match(funded.stdout, new RegExp(`^Funded pool ${pool} with 5,000 SUSD$`, "m"));
    assert.match(funded.stdout, /^unallocated now: 5,000 SUSD$/m);

    // The viewer's player makes a session key; the broadcaster's ticket names its address.
    const session = await runIn(work, process.execPath, ["session.mjs"]);
    assert.equal(session.code, 0, session.stderr);
    writeFileSync(join(work, "session.json"), session.stdout);
    const viewer = JSON.parse(session.stdout).address as string;
    const ticket = await asBroadcaster(["ticket", "issue", pool, "--viewer", viewer, "--stream", "launch"]);
    assert.equal(ticket.code, 0, ticket.stdout + ticket.stderr);
    assert.match(
      ticket.stderr,
      new RegExp(`^Ticket 0x[0-9a-f]{64} for viewer ${viewer}: valid .* signed by ${broadcaster}\\.$`, "m"),
    );
    assert.equal(JSON.parse(ticket.stdout).ticket.viewer, viewer);
    writeFileSync(join(work, "ticket.json"), ticket.stdout);

    const status = await meshpay(["pool", "status", pool]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, new RegExp(`^owner:\\s+${broadcaster}$`, "m"));
    assert.match(status.stdout, /^price:\s+2\.5 SUSD per GB$/m);
    assert.match(status.stdout, /^unallocated:\s+5,000 SUSD /m);
    assert.match(status.stdout, /^funded:\s+5,000 SUSD$/m);
  });

  it("a relay on the installed relay SDK: SQLITE_UNAVAILABLE without better-sqlite3's binary, then its receipts are accepted", async () => {
    const dir = makeWorkDir("installed");
    aggregator = await startAggregatorProcess({
      dir,
      config: aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: node!.url,
        distributor: deployment.distributor,
        fromBlock: BigInt(deployment.fromBlock),
        overrides: { posting: { enabled: true, autoRegister: true, resendAfterMs: 5000 }, log: { level: "warn" } },
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: AGGREGATOR_KEY },
    });
    const args = ["relay.mjs", aggregator.url, relay, String(CHUNKS), String(CHUNK_BYTES)];
    const noBinary = await runIn(work, process.execPath, args);
    assert.equal(noBinary.code, 1, noBinary.stdout + noBinary.stderr);
    const { error } = JSON.parse(noBinary.stdout);
    assert.equal(error.code, "SQLITE_UNAVAILABLE");
    assert.match(error.message, /npm rebuild better-sqlite3/);

    // What `npm rebuild better-sqlite3` writes (it compiles the addon: two minutes here, without a prebuilt binary
    // to download): the repository's own build of the same better-sqlite3 version for this Node.
    const installedSqlite = join(work, "../node_modules/better-sqlite3");
    const repoSqlite = join(repoRoot, "node_modules/better-sqlite3");
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
    assert.equal(version(installedSqlite), version(repoSqlite));
    mkdirSync(join(installedSqlite, "build/Release"), { recursive: true });
    copyFileSync(
      join(repoSqlite, "build/Release/better_sqlite3.node"),
      join(installedSqlite, "build/Release/better_sqlite3.node"),
    );

    // Sent at least 1 s into an epoch, so that the receipts are all in it and submitted long before it closes.
    const intoEpoch = () => (Date.now() / 1000 - genesis) % EPOCH_SECONDS;
    await waitFor("the start of an epoch", async () => intoEpoch() >= 1 && intoEpoch() < 2, 10_000, 50);
    const sent = await runIn(work, process.execPath, args);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const out = JSON.parse(sent.stdout);
    assert.equal(out.complete, true, sent.stdout);
    assert.deepEqual(
      out.batches.map((b: { accepted: number }) => b.accepted),
      [CHUNKS],
    );
    const epochs = new Set(out.deliveredAt.map((t: number) => Math.floor((t / 1000 - genesis) / EPOCH_SECONDS)));
    assert.equal(epochs.size, 1);
    epoch = BigInt([...epochs][0] as number);

    const receipts = await meshpay(["receipts", "--store", "relay.sqlite"]);
    assert.equal(receipts.code, 0, receipts.stdout + receipts.stderr);
    assert.match(receipts.stdout, new RegExp(`^relay:\\s+${relay.toLowerCase()}$`, "m"));
    assert.match(receipts.stdout, /^ {2}accepted\s+20\s+20 MB$/m);
    assert.match(receipts.stdout, new RegExp(`^${pool}\\s+${epoch}\\s+accepted\\s+20\\s+20 MB$`, "m"));
  });

  it("the relay operator's steps once the epoch is posted: rewards shows the amount, claim pays exactly it", async () => {
    const chain = client();
    await waitFor(
      `the aggregator to post epoch ${epoch}`,
      async () => {
        const state = await chain.readContract({
          address: deployment.distributor,
          abi: rewardDistributorAbi,
          functionName: "systemState",
        });
        return state.nextEpoch > epoch;
      },
      60_000,
      250,
    );
    const row = (claimable: string, pending: string, claimed: string) =>
      new RegExp(`^${pool}\\s+0\\.05 SUSD\\s+${claimable} SUSD\\s+${pending} SUSD\\s+${claimed} SUSD$`, "m");
    const pendingRewards = await asRelay(["rewards"]);
    assert.equal(pendingRewards.code, 0, pendingRewards.stdout + pendingRewards.stderr);
    assert.match(pendingRewards.stdout, new RegExp(`^Rewards of ${relay} `, "m"));
    assert.match(pendingRewards.stdout, row("0", "0\\.05", "0"));

    // Past the challenge window (on the chain's clock).
    const latest = await chain.getBlock();
    await mineAt(node!.url, latest.timestamp + BigInt(CHALLENGE_WINDOW) + 1n);
    const rewards = await asRelay(["rewards"]);
    assert.equal(rewards.code, 0, rewards.stdout + rewards.stderr);
    assert.match(rewards.stdout, row("0\\.05", "0", "0"));

    const balance = () =>
      chain.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [relay] });
    const before = await balance();
    const claimed = await asRelay(["claim"]);
    assert.equal(claimed.code, 0, claimed.stdout + claimed.stderr);
    assert.match(
      claimed.stdout,
      new RegExp(`^Claimed for ${relay} against epoch \\d+ \\(claim, one transaction 0x[0-9a-f]{64}\\):$`, "m"),
    );
    const paid = new RegExp(`^${pool}\\s+([\\d.,]+) SUSD$`, "m").exec(claimed.stdout)?.[1];
    assert.equal(paid, "0.05", claimed.stdout);
    assert.equal((await balance()) - before, parseUnits(paid, 6));
  });
});
