// The arbiter's paths through the real `meshpay` process, against a real `hardhat node` deployed by `meshpay dev
// deploy`: a dishonest epoch posted by a registered aggregator is challenged by the real verifier process (its
// evidence served over HTTP, its hash on chain); `arbiter list` shows it, `arbiter review` confirms the fault from
// public data, a non-arbiter's dismissal and an early expiry are refused with sentences, the arbiter's uphold rejects
// the epoch on chain. Then a bogus challenge against the honest re-post: review says the evidence does not hold
// (exit 6), the arbiter dismisses it; a third challenge with tampered evidence is left to expire and resolved by
// anyone after the deadline (the epoch stands). Last, the arbiter revokes the claimable epoch within its recovery
// period and it is posted again with repostEpoch, revokes it once more (text output), and is refused once the
// recovery period is over.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { createPublicClient, createWalletClient, defineChain, http, keccak256, toBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { getEvidenceHash } from "../../src/contracts/getEvidenceHash.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { freePort, type Proc, startVerifierProcess } from "../verifier/helpers/processes.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster } from "./helpers/epochPoster.ts";
import { mineAt } from "./helpers/startHardhatNode.ts";

const ARBITER = DEV_KEYS[0]; // the deployer holds ARBITER_ROLE on a `dev deploy` chain
const BROADCASTER = DEV_KEYS[1];
const VERIFIER = DEV_KEYS[2];
const relay = privateKeyToAccount(DEV_KEYS[3]).address;
const HONEST_AGGREGATOR = DEV_KEYS[4];
const CHEATING_AGGREGATOR = DEV_KEYS[5];
const OUTSIDER = DEV_KEYS[6];
const outsider = privateKeyToAccount(OUTSIDER).address;
const MB = 1_000_000;

describe("meshpay arbiter", () => {
  let chain: CliChain;
  let cheater: EpochPoster;
  let honest: EpochPoster | undefined;
  let verifier: Proc | undefined;
  let verifierUrl: string;
  let pool: Hex;
  let dataDir: string;
  let client: ReturnType<typeof createPublicClient>;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    client.readContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
    } as never) as Promise<T>;

  /** Opens a challenge on `epoch` from the outsider's account with `evidence` written to a file: URI. */
  const challengeAsOutsider = async (epoch: bigint, evidence: string, name: string) => {
    const file = join(chain.dir, name);
    writeFileSync(file, evidence);
    const wallet = createWalletClient({
      account: privateKeyToAccount(OUTSIDER),
      chain: defineChain({
        id: 31337,
        name: "hardhat",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [chain.node.url] } },
      }),
      transport: http(chain.node.url),
    });
    const { challengerBond } = await read<{ challengerBond: bigint }>("config");
    const hash = await wallet.writeContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "challenge",
      // The convention: the evidence bound to its challenger, keccak256(abi.encode(challenger, keccak256(evidence))).
      args: [epoch, getEvidenceHash(outsider, keccak256(toBytes(evidence))), pathToFileURL(file).href],
      value: challengerBond,
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
    return file;
  };

  before(async () => {
    chain = await deployWithCli("arbiter");
    client = createPublicClient({ transport: http(chain.node.url), pollingInterval: 100 });
    pool = await createPoolWithCli(chain, BROADCASTER, "1000");
    for (const args of [
      ["dev", "mint", "1000"],
      ["pool", "fund", pool, "1000"],
    ]) {
      const r = await chain.run(args, { key: BROADCASTER });
      assert.equal(r.code, 0, r.stderr);
    }
    // A registered aggregator posts epoch 0 with one relay's amount inflated (its bundle is served over HTTP).
    cheater = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: CHEATING_AGGREGATOR,
    });
    await cheater.post(0n, [{ relay, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 6, chunkSize: MB }], {
      inflate: { relay, poolId: pool, by: 4_000_000n },
    });

    // The real verifier process audits it and challenges it, publishing its evidence at its own URL.
    dataDir = mkdtempSync(join(tmpdir(), "meshpay-cli-arbiter-verifier-"));
    const port = await freePort();
    verifierUrl = `http://127.0.0.1:${port}`;
    const configFile = join(dataDir, "verifier.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        chain: {
          rpcUrl: chain.node.url,
          distributor: chain.deployment.distributor,
          fromBlock: Number(chain.deployment.fromBlock),
          confirmations: 0,
          pollIntervalMs: 200,
        },
        storage: { dir: join(dataDir, "data") },
        http: { host: "127.0.0.1", port },
        audit: { bundleDeadlineSeconds: 5, bundleTimeoutMs: 5_000 },
        claims: { enabled: false },
        log: { level: "silent" },
      }),
    );
    verifier = await startVerifierProcess({
      configFile,
      env: { MESHPAY_VERIFIER_PRIVATE_KEY: VERIFIER },
      url: verifierUrl,
    });
    const deadline = Date.now() + 30_000;
    while ((await read<{ openChallenges: bigint }>("systemState")).openChallenges === 0n) {
      if (Date.now() > deadline)
        throw new Error(`the verifier did not challenge epoch 0:\n${verifier.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await verifier?.stop();
    await honest?.close();
    await cheater?.close();
    await chain?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists the open challenge from the chain: id, epoch, challenger, opened, deadline, evidence URI", async () => {
    const r = await chain.run(["--json", "arbiter", "list"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.challenges.length, 1);
    const c = out.challenges[0];
    assert.equal(c.challengeId, "1");
    assert.equal(c.epoch, "0");
    assert.equal(c.status, "open");
    assert.equal(c.challenger.toLowerCase(), privateKeyToAccount(VERIFIER).address.toLowerCase());
    assert.equal(BigInt(c.deadline) - BigInt(c.openedAt), 600n); // the deployment's arbiterTimeout
    assert.ok(c.evidenceURI.startsWith(`${verifierUrl}/v1/evidence/`), c.evidenceURI);

    const text = await chain.run(["arbiter", "list"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^id\s+epoch\s+challenger\s+opened\s+deadline\s+evidence\n/);
    assert.match(
      text.stdout,
      /#1\s+0\s+0x3C44Cd…4293BC\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+.+ \(in \d+m( \d+s)?\)\s+http:\/\/127\.0\.0\.1:\d+\/v1\/evidence\/0x[0-9a-f]{64}/,
    );
  });

  it("review checks the evidence hash and confirms the fault by recomputing the epoch from public data (exit 0)", async () => {
    const r = await chain.run(["--json", "arbiter", "review", "1"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.ok, true);
    assert.equal(out.status, "open");
    assert.equal(out.evidence.available, true);
    assert.equal(out.evidence.hashMatches, true);
    assert.equal(out.evidence.problem, null);
    // The verifier's evidence names the inflated pool total as the fault and lists the relay's inflated leaf too.
    assert.equal(out.evidence.fault, "POOL_TOTAL_MISMATCH");
    for (const code of ["POOL_TOTAL_MISMATCH", "RELAY_TOTAL_MISMATCH"])
      assert.ok(out.confirmed.includes(code), JSON.stringify(out.confirmed));
    assert.deepEqual(out.notReproduced, []);
    assert.equal(out.recommendation, "uphold");
    assert.notEqual(out.recomputation.root, out.post.root);
    assert.equal(out.post.aggregator, privateKeyToAccount(CHEATING_AGGREGATOR).address.toLowerCase());

    const text = await chain.run(["arbiter", "review", "1"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /Evidence: ok {4}bound to its challenger as committed on chain \(keccak256\(abi\.encode\(challenger, keccak256\(evidence\)\)\)\); it is about this deployment's epoch 0\n/,
    );
    assert.match(text.stdout, /The evidence claims POOL_TOTAL_MISMATCH: Epoch 0:/);
    assert.match(
      text.stdout,
      /\(open; the arbiter has until .+, in \d+m( \d+s)?\)\n[\s\S]*\n {2}confirmed +POOL_TOTAL_MISMATCH\n {2}confirmed +RELAY_TOTAL_MISMATCH\n/,
    );
    assert.match(
      text.stdout,
      /Recommendation: UPHOLD\. The recomputation from public data reproduces the evidence's POOL_TOTAL_MISMATCH: epoch 0 is wrong \(/,
    );
    assert.match(text.stdout, /Then: meshpay arbiter uphold 1/);
  });

  it("refuses a dismissal by an account without ARBITER_ROLE with a sentence (exit 4)", async () => {
    const r = await chain.run(["arbiter", "dismiss", "1"], { key: OUTSIDER });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `error: Dismissing challenge #1 was refused: AccessControlUnauthorizedAccount: ${outsider} does not hold ` +
          `ARBITER_ROLE, which this needs\\.`,
      ),
    );
    assert.match(r.stderr, /hint: Only an account holding ARBITER_ROLE may uphold or dismiss a challenge/);
    const json = await chain.run(["--json", "arbiter", "uphold", "1"], { key: OUTSIDER });
    assert.equal(json.code, 4);
    assert.equal(json.json().error.code, "CONTRACT_REVERTED");
    assert.equal(json.json().error.data.error, "AccessControlUnauthorizedAccount");
    assert.equal(Number((await read<{ status: number }>("challengeInfo", [1n])).status), 1); // still open
  });

  it("refuses resolve-expired before the arbiter's deadline (exit 4)", async () => {
    const r = await chain.run(["arbiter", "resolve-expired", "1"], { key: OUTSIDER });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /error: Resolving the expired challenge #1 was refused: ChallengeNotExpired: The arbiter has until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(contract clock\) to resolve challenge #1\./,
    );
    assert.match(r.stderr, /hint: Until .* only the arbiter may resolve it/);
  });

  it("uphold as the arbiter rejects the epoch on chain, slashes the aggregator and pays the challenger", async () => {
    const r = await chain.run(["arbiter", "uphold", "1"], { key: ARBITER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const cheaterAddress = privateKeyToAccount(CHEATING_AGGREGATOR).address;
    assert.match(r.stderr, /Upholding challenge #1: transaction 0x[0-9a-f]{64}/);
    assert.match(r.stdout, /^Challenge #1 upheld by 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266: epoch 0 rejected\.\n/);
    assert.match(r.stdout, /rejected epochs:\s+0\n/);
    // challengerShareBps 5000: half the aggregator's 1 ETH bond to the challenger, which also gets its 0.1 ETH bond
    // back.
    assert.match(
      r.stdout,
      new RegExp(
        `aggregator slashed:\\s+${cheaterAddress} lost its whole bond of 1 ETH: 0\\.5 ETH to the challenger, 0\\.5 ` +
          `ETH to the treasury`,
      ),
    );
    assert.match(
      r.stdout,
      /challenger:\s+0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC credited 0\.6 ETH \(its 0\.1 ETH bond back plus its share\)/,
    );
    // On chain: the challenge is upheld, epoch 0 is to be posted again, the aggregator is out.
    assert.equal(Number((await read<{ status: number }>("challengeInfo", [1n])).status), 2);
    assert.equal((await read<{ nextEpoch: bigint }>("systemState")).nextEpoch, 0n);
    const slashed = await read<{ active: boolean; bond: bigint }>("aggregatorInfo", [cheaterAddress]);
    assert.deepEqual([slashed.active, slashed.bond], [false, 0n]);
    assert.equal(await read<bigint>("creditOf", [privateKeyToAccount(VERIFIER).address]), 6n * 10n ** 17n);

    const again = await chain.run(["arbiter", "uphold", "1"], { key: ARBITER });
    assert.equal(again.code, 4);
    assert.match(again.stderr, /ChallengeNotOpen: Challenge #1 is not open\.\nhint: It is already upheld/);
    const list = await chain.run(["arbiter", "list"]);
    assert.equal(list.stdout.trim(), "No open challenges.");
    await verifier!.stop();
    verifier = undefined;
  });

  it("review of a bogus challenge against an honest epoch: the evidence does not hold (exit 6); the arbiter dismisses it", async () => {
    honest = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: HONEST_AGGREGATOR,
    });
    const post = await honest.post(0n, [
      { relay, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 6, chunkSize: MB },
    ]);
    const claim = JSON.stringify({
      format: "meshpay-evidence",
      version: 1,
      chainId: "31337",
      distributor: chain.deployment.distributor.toLowerCase(),
      epoch: "0",
      fault: "ROOT_MISMATCH",
      summary: "Epoch 0: the posted root is wrong (it is not).",
      findings: [
        { code: "ROOT_MISMATCH", message: "The posted root is not the recomputed root.", count: 1, items: [] },
      ],
    });
    await challengeAsOutsider(0n, claim, "bogus-evidence.json");

    const r = await chain.run(["--json", "arbiter", "review", "2"]);
    assert.equal(r.code, 6, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.ok, false);
    assert.equal(out.evidence.hashMatches, true);
    assert.deepEqual(out.confirmed, []);
    assert.deepEqual(out.notReproduced, ["ROOT_MISMATCH"]);
    assert.deepEqual(out.recomputation.findings, []);
    assert.equal(out.recomputation.root, post.root);
    assert.equal(out.recommendation, "dismiss");
    const text = await chain.run(["arbiter", "review", "2"]);
    assert.equal(text.code, 6);
    assert.match(text.stdout, / {2}nothing wrong found\n {2}not reproduced {2}ROOT_MISMATCH\n/);
    assert.match(
      text.stdout,
      /Recommendation: DISMISS\. The recomputation from public data does not reproduce the evidence's ROOT_MISMATCH and finds nothing wrong with epoch 0: dismiss\.\n/,
    );

    const dismissed = await chain.run(["arbiter", "dismiss", "2"], { key: ARBITER });
    assert.equal(dismissed.code, 0, dismissed.stdout + dismissed.stderr);
    assert.match(
      dismissed.stdout,
      /Challenge #2 dismissed by 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266: the challenger's bond of 0\.1 ETH is forfeited to the treasury\./,
    );
    assert.match(dismissed.stdout, /epoch:\s+0 stands; its challenge window was not restarted and ends \d{4}-/);
    assert.match(dismissed.stderr, /Dismissing challenge #2: transaction 0x[0-9a-f]{64}/);
    assert.equal(Number((await read<{ status: number }>("challengeInfo", [2n])).status), 3);
    assert.equal((await read<{ nextEpoch: bigint }>("systemState")).nextEpoch, 1n); // the honest epoch stands
  });

  it("flags evidence that no longer matches its hash, and lets anyone resolve a challenge the arbiter left past its deadline", async () => {
    const evidence = JSON.stringify({
      format: "meshpay-evidence",
      version: 1,
      chainId: "31337",
      distributor: chain.deployment.distributor.toLowerCase(),
      epoch: "0",
      fault: "ROOT_MISMATCH",
      findings: [],
    });
    const file = await challengeAsOutsider(0n, evidence, "later-evidence.json");
    writeFileSync(file, evidence.replace("ROOT_MISMATCH", "BUNDLE_MALFORMED"));
    const review = await chain.run(["--json", "arbiter", "review", "3"]);
    assert.equal(review.code, 6, review.stdout + review.stderr);
    assert.equal(review.json().evidence.hashMatches, false);
    assert.match(
      review.json().evidence.problem,
      /is not the evidence committed on chain for this challenger \(keccak256\(abi\.encode\(challenger, keccak256\(evidence\)\)\) is not 0x[0-9a-f]{64}\)/,
    );
    assert.equal(review.json().recommendation, "dismiss"); // and the honest epoch is still right

    const info = await read<{ openedAt: number }>("challengeInfo", [3n]);
    await mineAt(chain.node.url, BigInt(info.openedAt) + 600n);
    const list = await chain.run(["arbiter", "list"]);
    assert.match(list.stdout, /#3\s+0\s+.+\(passed\)/);
    assert.match(list.stdout, /anyone may close them, bonds refunded\): meshpay arbiter resolve-expired 3/);

    const r = await chain.run(["--json", "arbiter", "resolve-expired", "3"], { key: OUTSIDER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.resolution, "expired");
    // An expired deadline never rejects the epoch nor rewards the challenger: the bond comes back, the epoch stands.
    assert.deepEqual(out.rejectedEpochs, []);
    assert.equal(out.slashed, null);
    assert.equal(out.challengerCredited, String(10n ** 17n)); // the bond back
    assert.equal(Number((await read<{ status: number }>("challengeInfo", [3n])).status), 4);
    assert.equal((await read<{ nextEpoch: bigint }>("systemState")).nextEpoch, 1n);

    const all = await chain.run(["--json", "arbiter", "list", "--all"]);
    assert.deepEqual(
      all.json().challenges.map((c: { challengeId: string; status: string }) => [c.challengeId, c.status]),
      [
        ["1", "upheld"],
        ["2", "dismissed"],
        ["3", "expired"],
      ],
    );
  });

  it("revoke: refused for a non-arbiter and for an epoch not yet claimable; the arbiter revokes a claimable epoch within its recovery period, and it is re-posted with repostEpoch", async () => {
    // Epoch 1 is not posted: it cannot be revoked.
    const early = await chain.run(["arbiter", "revoke", "1"], { key: ARBITER });
    assert.equal(early.code, 4, early.stdout + early.stderr);
    assert.match(early.stderr, /EpochNotFinal: Epoch 1 is not claimable, so it cannot be revoked/);
    const outsiderTry = await chain.run(["arbiter", "revoke", "0"], { key: OUTSIDER });
    assert.equal(outsiderTry.code, 4);
    assert.match(outsiderTry.stderr, /AccessControlUnauthorizedAccount: .* does not hold ARBITER_ROLE/);

    // Epoch 0 (the honest re-post) passed its window while challenge #3 waited: it is claimable, and its recovery
    // period (postedAt + 2 challenge windows + arbiterTimeout) still runs.
    assert.equal(await read<boolean>("isClaimable", [0n]), true);
    const evidenceFile = join(chain.dir, "revocation-evidence.json");
    writeFileSync(evidenceFile, JSON.stringify({ reason: "test revocation" }));
    const r = await chain.run(["--json", "arbiter", "revoke", "0", "--evidence", evidenceFile], { key: ARBITER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.deepEqual(out.rejectedEpochs, ["0"]);
    assert.equal(out.claimRoot, `0x${"00".repeat(32)}`); // no epoch before 0
    assert.equal(out.slashed.aggregator.toLowerCase(), privateKeyToAccount(HONEST_AGGREGATOR).address.toLowerCase());
    const arbiterAddress = privateKeyToAccount(ARBITER).address;
    assert.equal(
      out.evidenceHash,
      getEvidenceHash(arbiterAddress, keccak256(toBytes(JSON.stringify({ reason: "test revocation" })))),
    );
    const state = await read<{ nextEpoch: bigint; repostEnd: bigint }>("systemState");
    assert.deepEqual([state.nextEpoch, state.repostEnd], [0n, 1n]);
    assert.equal(await read<boolean>("isClaimable", [0n]), false);

    // The epoch comes back through repostEpoch (a postEpoch would revert with EpochRepostRequired).
    const { aggregatorBond } = await read<{ aggregatorBond: bigint }>("config");
    const wallet = createWalletClient({
      account: privateKeyToAccount(HONEST_AGGREGATOR),
      transport: http(chain.node.url),
    });
    const hash = await wallet.writeContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "registerAggregator",
      value: aggregatorBond,
      chain: null,
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
    const repost = await honest!.post(0n, [
      { relay, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 6, chunkSize: MB },
    ]);
    const logs = await client.getContractEvents({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      eventName: "EpochReplaced",
      fromBlock: BigInt(chain.deployment.fromBlock),
    });
    // Both posts of epoch 0 after a rejection were re-posts: after the uphold of #1, and now after the revocation.
    assert.deepEqual(
      logs.map((l) => l.args.epoch),
      [0n, 0n],
    );
    assert.equal((await read<{ nextEpoch: bigint }>("systemState")).nextEpoch, 1n);
    assert.equal((await read<{ root: Hex }>("epochInfo", [0n])).root, repost.root);
  });

  it("revoke prints what it did, refuses malformed evidence arguments (exit 2), and is refused once the epoch's recovery period is over (exit 4)", async () => {
    const arbiterAddress = privateKeyToAccount(ARBITER).address;
    const honestAddress = privateKeyToAccount(HONEST_AGGREGATOR).address;
    const both = await chain.run(
      ["arbiter", "revoke", "0", "--evidence", "x.json", "--evidence-hash", `0x${"ab".repeat(32)}`],
      {
        key: ARBITER,
      },
    );
    assert.equal(both.code, 2, both.stdout + both.stderr);
    assert.match(both.stderr, /Give either --evidence <file> or --evidence-hash <bytes32>, not both\./);
    const short = await chain.run(["arbiter", "revoke", "0", "--evidence-hash", "0x12"], { key: ARBITER });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--evidence-hash must be 32 bytes in hex \(0x \+ 64 digits\), not 0x12\./);
    const missing = await chain.run(["arbiter", "revoke", "0", "--evidence", join(chain.dir, "no-such-file.json")], {
      key: ARBITER,
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the evidence file .*no-such-file\.json\./);

    // The re-post of epoch 0 becomes claimable after its window; revoked again, with a hash given as is (text).
    const { challengeWindow, arbiterTimeout, aggregatorBond } = await read<{
      challengeWindow: bigint;
      arbiterTimeout: bigint;
      aggregatorBond: bigint;
    }>("config");
    const first = await read<{ postedAt: bigint }>("epochInfo", [0n]);
    await mineAt(chain.node.url, first.postedAt + challengeWindow);
    assert.equal(await read<boolean>("isClaimable", [0n]), true);
    const given = `0x${"ab".repeat(32)}`;
    const r = await chain.run(["arbiter", "revoke", "0", "--evidence-hash", given], { key: ARBITER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Epoch 0 revoked by ${arbiterAddress}: epochs 0 rejected; claims use epoch \\(none\\)'s root again\\.\\n`,
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(`aggregator slashed:\\s+${honestAddress} lost its bond of 1 ETH to the treasury`),
    );
    assert.match(r.stdout, new RegExp(`evidence hash:\\s+${given}`));
    assert.match(r.stdout, /Next: the aggregator posts epoch 0 again with repostEpoch/);
    assert.match(r.stderr, /Revoking epoch 0: transaction 0x[0-9a-f]{64}/);

    // Posted once more; past postedAt + 2 challenge windows + arbiterTimeout it can no longer be revoked.
    const wallet = createWalletClient({
      account: privateKeyToAccount(HONEST_AGGREGATOR),
      transport: http(chain.node.url),
    });
    const hash = await wallet.writeContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "registerAggregator",
      value: aggregatorBond,
      chain: null,
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
    await honest!.post(0n, [{ relay, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 6, chunkSize: MB }]);
    const last = await read<{ postedAt: bigint }>("epochInfo", [0n]);
    const endsAt = last.postedAt + 2n * challengeWindow + arbiterTimeout;
    await mineAt(chain.node.url, endsAt);
    const late = await chain.run(["--json", "arbiter", "revoke", "0"], { key: ARBITER });
    assert.equal(late.code, 4, late.stdout + late.stderr);
    assert.equal(late.json().error.data.error, "EpochRecoveryClosed");
    const text = await chain.run(["arbiter", "revoke", "0"], { key: ARBITER });
    assert.equal(text.code, 4);
    assert.match(
      text.stderr,
      /EpochRecoveryClosed: The recovery period of epoch 0 ended at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(contract clock\): it can no longer be revoked\./,
    );
    const state = await read<{ nextEpoch: bigint; repostEnd: bigint }>("systemState");
    assert.deepEqual([state.nextEpoch, await read<boolean>("isClaimable", [0n])], [1n, true]);
  });

  it("answers an unknown challenge id with a sentence (exit 1) and a malformed one as a usage error (exit 2)", async () => {
    const missing = await chain.run(["arbiter", "review", "9"]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /error: There is no challenge #9 on this contract \(challenges are numbered 1 to 3\)\./,
    );
    const bad = await chain.run(["arbiter", "uphold", "first"], { key: ARBITER });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /The challenge id "first" is not a whole number\./);
  });
});
