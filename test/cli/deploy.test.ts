// `meshpay deploy` against a fresh Anvil with mainnet's contract size limits: a token deployed beforehand (as on a real
// chain, where the stablecoin exists already), the production deployment through the CLI, then the README's
// broadcaster steps and a relay/auditor read against the written deployment file; and what it refuses.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, getAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import type { Address } from "../../src/protocol/types.ts";
import { cli, DEV_KEYS } from "./helpers/runCli.ts";
import { startAnvilNode } from "./helpers/startAnvilNode.ts";
import { freePort, type HardhatNode, repoRoot } from "./helpers/startHardhatNode.ts";

const PASSWORD = "correct horse battery staple";
const [DEPLOYER, ADMIN, BROADCASTER] = DEV_KEYS;
const admin = privateKeyToAccount(ADMIN).address;
const broadcaster = privateKeyToAccount(BROADCASTER).address;

/** Deploys the repository's TestToken (an open-mint ERC-20) straight from its build artifact, as DEPLOYER. */
async function deployToken(url: string): Promise<Address> {
  const artifact = JSON.parse(
    readFileSync(join(repoRoot, "artifacts/contracts/mocks/TestToken.sol/TestToken.json"), "utf8"),
  );
  const account = privateKeyToAccount(DEPLOYER);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(url) });
  const client = createPublicClient({ chain: foundry, transport: http(url) });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode as Hex,
    args: ["Stable USD", "SUSD", 6],
  });
  return (await client.waitForTransactionReceipt({ hash })).contractAddress! as Address;
}

describe("meshpay deploy: the production deployment to any RPC", () => {
  let node: HardhatNode;
  let dir: string;
  let token: Address;
  let run: ReturnType<typeof cli>;

  before(async () => {
    node = await startAnvilNode([]);
    dir = mkdtempSync(join(tmpdir(), "meshpay-cli-deploy-"));
    run = cli({ cwd: dir });
    token = await deployToken(node.url);
    const imported = await run(["key", "import", "--out", "deployer.json"], {
      env: { MESHPAY_KEYSTORE_PASSWORD: PASSWORD },
      stdin: `${DEPLOYER}\n`,
    });
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("deploys from a keystore, prints each transaction and writes the deployment file the other commands read", async () => {
    const deployed = await run(
      [
        "deploy",
        "--rpc",
        node.url,
        "--key",
        "deployer.json",
        "--token",
        token,
        "--admin",
        admin,
        "--epoch-seconds",
        "30s",
        "--challenge-window",
        "2m",
        "--arbiter-timeout",
        "4m",
      ],
      { env: { MESHPAY_KEYSTORE_PASSWORD: PASSWORD } },
    );
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    for (const step of [
      "Deploying RewardDistributor",
      "Preparing the epoch ring (low half)",
      "Preparing the epoch ring (high half)",
      "Deploying MeshpayHasher",
    ])
      assert.match(deployed.stderr, new RegExp(`${step.replace(/[()]/g, "\\$&")}: transaction 0x[0-9a-f]{64}`));
    assert.match(deployed.stdout, /token:\s+SUSD \(0x[0-9a-fA-F]{40}, 6 decimals\)/);
    assert.match(deployed.stdout, new RegExp(`admin:\\s+${admin}`));
    const file = JSON.parse(readFileSync(join(dir, ".meshpay/deployment.json"), "utf8"));
    assert.equal(file.format, "meshpay-deployment");
    assert.equal(file.chainId, 31337);
    assert.equal(file.rpcUrl, node.url);
    assert.equal(file.token, getAddress(token));
    assert.match(file.hasher, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(file.deployer, privateKeyToAccount(DEPLOYER).address);

    const status = await run(["--json", "dev", "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json().config.epochSeconds, "30");
    assert.equal(status.json().config.challengeWindow, "120");
  });

  it("then serves the README's broadcaster steps and a relay's and an auditor's reads", async () => {
    const asBroadcaster = (args: string[]) => run(args, { env: { MESHPAY_PRIVATE_KEY: BROADCASTER } });
    const minted = await asBroadcaster(["dev", "mint", "5000", "--token", token]);
    assert.equal(minted.code, 0, minted.stderr);
    const created = await asBroadcaster(["--json", "pool", "create", "--price", "2.5"]);
    assert.equal(created.code, 0, created.stderr);
    const pool = created.json().poolId as string;
    assert.equal(pool.slice(0, 42), token.toLowerCase());
    const funded = await asBroadcaster(["pool", "fund", pool, "5000"]);
    assert.equal(funded.code, 0, funded.stderr);
    assert.match(funded.stdout, /unallocated now: 5,000 SUSD/);
    const ticket = await asBroadcaster(["ticket", "issue", pool, "--viewer", admin, "--stream", "launch"]);
    assert.equal(ticket.code, 0, ticket.stderr);
    const status = await run(["--json", "pool", "status", pool]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(String(status.json().pools[0].owner).toLowerCase(), broadcaster.toLowerCase());
    const rewards = await run(["--json", "rewards", "--account", broadcaster]);
    assert.equal(rewards.code, 0, rewards.stdout + rewards.stderr);
  });

  it("refuses to overwrite a deployment that exists, or a file for another chain", async () => {
    const again = await run(["deploy", "--rpc", node.url, "--token", token, "--admin", admin], {
      env: { MESHPAY_PRIVATE_KEY: DEPLOYER },
    });
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /already describes RewardDistributor 0x[0-9a-fA-F]{40} on chain 31337, and it exists/);
    const json = await run(["--json", "deploy", "--rpc", node.url, "--token", token, "--admin", admin], {
      env: { MESHPAY_PRIVATE_KEY: DEPLOYER },
    });
    assert.equal(json.json().error.code, "DEPLOYMENT_EXISTS");

    const other = JSON.parse(readFileSync(join(dir, ".meshpay/deployment.json"), "utf8"));
    writeFileSync(join(dir, "sepolia.json"), JSON.stringify({ ...other, chainId: 11155111 }));
    const wrongChain = await run(
      ["--json", "deploy", "--rpc", node.url, "--token", token, "--admin", admin, "--out", "sepolia.json"],
      { env: { MESHPAY_PRIVATE_KEY: DEPLOYER } },
    );
    assert.equal(wrongChain.code, 1);
    assert.equal(wrongChain.json().error.code, "CHAIN_MISMATCH");
    assert.match(wrongChain.json().error.message, /is for chain 11155111, but .* serves chain 31337/);
  });

  it("refuses before sending anything: an RPC that does not answer, parameters the contract would refuse", async () => {
    const deployer = privateKeyToAccount(DEPLOYER).address;
    const client = createPublicClient({ chain: foundry, transport: http(node.url) });
    const nonce = await client.getTransactionCount({ address: deployer });
    const env = { env: { MESHPAY_PRIVATE_KEY: DEPLOYER } };
    const out = ["--out", "new.json"];

    const dead = await run(["deploy", "--rpc", `http://127.0.0.1:${await freePort()}`, "--token", token], env);
    assert.equal(dead.code, 3);
    assert.match(dead.stderr, /does not answer/);

    const noAdmin = await run(["deploy", "--rpc", node.url, "--token", token, ...out], env);
    assert.equal(noAdmin.code, 2);
    assert.match(noAdmin.stderr, /needs an admin \(--admin\)/);

    const adminIsGuardian = await run(
      ["--json", "deploy", "--rpc", node.url, "--token", token, "--admin", deployer, ...out],
      env,
    );
    assert.equal(adminIsGuardian.code, 2);
    assert.match(adminIsGuardian.json().error.message, /cannot also be the guardian.*cannot also be the arbiter/);

    const windows = await run(
      ["deploy", "--rpc", node.url, "--token", token, "--admin", admin, "--epoch-seconds", "6", ...out],
      env,
    );
    assert.equal(windows.code, 2);
    assert.match(
      windows.stderr,
      /With 6s epochs, the challenge window \(5m\) plus the arbiter timeout \(10m\) may span at most 56 epochs/,
    );

    const share = await run(
      ["deploy", "--rpc", node.url, "--token", token, "--admin", admin, "--challenger-share-bps", "10001", ...out],
      env,
    );
    assert.equal(share.code, 2);
    assert.match(share.stderr, /at most 10000/);

    const notToken = await run(["deploy", "--rpc", node.url, "--token", admin, "--admin", admin, ...out], env);
    assert.equal(notToken.code, 2);
    assert.match(notToken.stderr, /There is no contract at the token address/);

    assert.equal(await client.getTransactionCount({ address: deployer }), nonce, "nothing was sent");
  });
});
