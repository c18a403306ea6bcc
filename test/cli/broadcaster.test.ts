// The broadcaster's paths through the real `meshpay` process against a real `hardhat node`: an encrypted keystore,
// pools created, funded, re-priced, their ticket signer rotated and funds withdrawn after notice; viewer tickets;
// and the ways it goes wrong: a key on the command line, a wrong password, a wrong key, too few tokens, no gas money,
// no key at all, an unreachable RPC.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { recoverViewerTicketSigner } from "../../src/protocol/messages/recoverViewerTicketSigner.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { type CliChain, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { freePort, mineAt } from "./helpers/startHardhatNode.ts";

const BROADCASTER = DEV_KEYS[1];
const broadcaster = privateKeyToAccount(BROADCASTER).address;
const OTHER = DEV_KEYS[2];
const other = privateKeyToAccount(OTHER).address;
const PASSWORD = "correct horse battery staple";

describe("meshpay for broadcasters", () => {
  let chain: CliChain;
  let pool: Hex;
  /** Runs meshpay with the broadcaster's keystore (not MESHPAY_PRIVATE_KEY). */
  let withKeystore: (args: string[]) => ReturnType<CliChain["run"]>;
  /** Runs meshpay with the broadcaster's key in MESHPAY_PRIVATE_KEY (no scrypt per run: keeps the suite fast). */
  let asBroadcaster: (args: string[]) => ReturnType<CliChain["run"]>;

  before(async () => {
    chain = await deployWithCli("broadcaster");
    withKeystore = (args) =>
      chain.run(args, { env: { MESHPAY_KEYSTORE: "broadcaster.json", MESHPAY_KEYSTORE_PASSWORD: PASSWORD } });
    asBroadcaster = (args) => chain.run(args, { key: BROADCASTER });
  });
  after(async () => {
    await chain?.close();
  });

  it("seals a key piped on stdin in an encrypted keystore that only the right password opens", async () => {
    const imported = await chain.run(["--json", "key", "import", "--out", "broadcaster.json"], {
      env: { MESHPAY_KEYSTORE_PASSWORD: PASSWORD },
      stdin: `${BROADCASTER}\n`,
    });
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.equal(imported.json().address, broadcaster);
    assert.equal(imported.json().from, "stdin");
    const file = readFileSync(join(chain.dir, "broadcaster.json"), "utf8");
    assert.equal(file.includes(BROADCASTER.slice(2)), false);
    assert.equal(JSON.parse(file).kdf.name, "scrypt");

    const shown = await withKeystore(["key", "address"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`address:\\s+${broadcaster}`));

    const wrong = await chain.run(["key", "address"], {
      env: { MESHPAY_KEYSTORE: "broadcaster.json", MESHPAY_KEYSTORE_PASSWORD: "not the password" },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /error: The password does not open .*broadcaster\.json\./);

    const again = await chain.run(["key", "new", "--out", "broadcaster.json"], {
      env: { MESHPAY_KEYSTORE_PASSWORD: PASSWORD },
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; it was left untouched/);
  });

  it("refuses a private key given on the command line, without echoing it (exit 2)", async () => {
    const r = await chain.run(["pool", "create", "--price", "1", `--private-key=${BROADCASTER}`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--private-key is refused: secrets never go on the command line/);
    assert.equal((r.stdout + r.stderr).includes(BROADCASTER.slice(2)), false);
  });

  it("says how to configure a key when there is none (exit 2)", async () => {
    const r = await chain.run(["--json", "pool", "create", "--price", "1"]);
    assert.equal(r.code, 2);
    assert.equal(r.json().error.code, "KEY_MISSING");
    assert.match(r.json().error.hint, /MESHPAY_PRIVATE_KEY|meshpay key new/);
  });

  it("creates a pool, priced in token units per GB, and shows it", async () => {
    const created = await withKeystore([
      "pool",
      "create",
      "--price",
      "0.5",
      "--metadata",
      "https://example.com/launch",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const id = /Created pool (0x[0-9a-f]{64})/.exec(created.stdout)?.[1];
    assert.ok(id, created.stdout);
    pool = id as Hex;
    assert.match(created.stdout, /price:\s+0\.5 TUSD per GB/);
    assert.match(created.stdout, new RegExp(`ticket signer:\\s+${broadcaster}`));

    const status = await chain.run(["--json", "pool", "status", pool]);
    assert.equal(status.code, 0, status.stderr);
    const [p] = status.json().pools;
    assert.deepEqual(
      [p.owner, p.pricePerGB.units, p.token.symbol, p.token.decimals, p.metadataURI],
      [broadcaster, "500000", "TUSD", 6, "https://example.com/launch"],
    );
  });

  it("funds the pool (approving the exact amount first) and refuses to fund more than the account holds (exit 4)", async () => {
    assert.equal((await asBroadcaster(["dev", "mint", "100"])).code, 0);
    const funded = await asBroadcaster(["--json", "pool", "fund", pool, "60.5"]);
    assert.equal(funded.code, 0, funded.stdout + funded.stderr);
    assert.equal(funded.json().unallocated.amount, "60.5");
    assert.match(funded.json().approveTransaction, /^0x[0-9a-f]{64}$/);

    const tooMuch = await asBroadcaster(["pool", "fund", pool, "50"]);
    assert.equal(tooMuch.code, 4);
    assert.match(tooMuch.stderr, new RegExp(`error: ${broadcaster} holds 39.5 TUSD, less than the 50 TUSD to fund\\.`));

    const badAmount = await asBroadcaster(["pool", "fund", pool, "1.1234567"]);
    assert.equal(badAmount.code, 2);
    assert.match(badAmount.stderr, /has more decimals than TUSD has \(6\)/);
  });

  it("changes the price from the next epoch, and another key is refused with the decoded PoolUnauthorized (exit 4)", async () => {
    const set = await asBroadcaster(["--json", "pool", "set-price", pool, "0.75"]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const status = (await chain.run(["--json", "pool", "status", pool])).json().pools[0];
    assert.equal(status.pricePerGB.amount, "0.5");
    assert.equal(status.nextPricePerGB.amount, "0.75");
    assert.equal(set.json().fromEpoch, String(BigInt(status.currentEpoch) + 1n));

    const refused = await chain.run(["--json", "pool", "set-price", pool, "9"], { key: OTHER });
    assert.equal(refused.code, 4);
    const { error } = refused.json();
    assert.equal(error.code, "CONTRACT_REVERTED");
    assert.equal(error.data.error, "PoolUnauthorized");
    assert.match(
      error.message,
      new RegExp(`PoolUnauthorized: Only the owner of pool ${pool} may do this, and ${other} is not its owner\\.`),
    );
  });

  it("issues viewer tickets with the pool's ticket signer only, and follows rotate-signer", async () => {
    const viewer = privateKeyToAccount(generatePrivateKey()).address;
    const issued = await asBroadcaster([
      "ticket",
      "issue",
      pool,
      "--viewer",
      viewer,
      "--stream",
      "launch-party",
      "--valid-for",
      "90m",
      "--max-bytes",
      "500MB",
    ]);
    assert.equal(issued.code, 0, issued.stderr);
    const signed = signedViewerTicketFromJson(JSON.parse(issued.stdout));
    const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.distributor };
    assert.equal(recoverViewerTicketSigner(signed, domain), broadcaster.toLowerCase());
    assert.equal(signed.ticket.viewer, viewer.toLowerCase());
    assert.equal(signed.ticket.maxBytes, 500_000_000n);
    assert.equal(signed.ticket.notAfter - signed.ticket.notBefore, 90n * 60_000n);

    const wrongKey = await chain.run(["ticket", "issue", pool, "--viewer", viewer, "--stream", "launch-party"], {
      key: OTHER,
    });
    assert.equal(wrongKey.code, 4);
    assert.match(wrongKey.stderr, new RegExp(`is not the ticket signer of pool ${pool}, which is ${broadcaster}`));

    const rotated = await asBroadcaster(["pool", "rotate-signer", pool, other]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const byNewSigner = await chain.run(
      ["--json", "ticket", "issue", pool, "--viewer", viewer, "--stream", "launch-party"],
      { key: OTHER },
    );
    assert.equal(byNewSigner.code, 0, byNewSigner.stdout);
    assert.equal(
      recoverViewerTicketSigner(signedViewerTicketFromJson(byNewSigner.json().signedTicket), domain),
      other.toLowerCase(),
    );
    assert.equal((await asBroadcaster(["ticket", "issue", pool, "--viewer", viewer, "--stream", "x"])).code, 4);
  });

  it("withdraws only after the notice: refused before (decoded PoolWithdrawalNotReady, exit 4), paid after, then nothing to do (exit 5)", async () => {
    const requested = await asBroadcaster(["--json", "pool", "withdraw", "request", pool, "20"]);
    assert.equal(requested.code, 0, requested.stdout + requested.stderr);
    const availableAt = BigInt(requested.json().availableAt);

    const early = await asBroadcaster(["pool", "withdraw", "execute", pool]);
    assert.equal(early.code, 4);
    assert.match(
      early.stderr,
      new RegExp(
        `PoolWithdrawalNotReady: The withdrawal notice of pool ${pool} runs until \\d{4}-\\d\\d-\\d\\d ` +
          `\\d\\d:\\d\\d:\\d\\d UTC`,
      ),
    );
    const shown = await chain.run(["pool", "status", pool]);
    assert.match(shown.stdout, /withdrawal:\s+20 TUSD requested, executable in \d+m/);

    await mineAt(chain.node.url, availableAt);
    const done = await asBroadcaster(["--json", "pool", "withdraw", "execute", pool, "--to", other]);
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.equal(done.json().withdrawn.amount, "20");
    assert.equal(done.json().unallocated.amount, "40.5");

    const nothing = await asBroadcaster(["pool", "withdraw", "execute", pool]);
    assert.equal(nothing.code, 5);
    assert.match(nothing.stderr, /No withdrawal is requested for pool/);
  });

  it("refuses to send from an account without ETH for gas (exit 4)", async () => {
    const r = await chain.run(["pool", "create", "--price", "1"], { key: generatePrivateKey() });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /does not have enough ETH to pay for the transaction's gas/);
  });

  it("exits 3 when the RPC does not answer", async () => {
    const r = await chain.run(["--json", "pool", "status", "--rpc", `http://127.0.0.1:${await freePort()}`]);
    assert.equal(r.code, 3);
    assert.equal(r.json().error.code, "RPC_UNREACHABLE");
  });
});
