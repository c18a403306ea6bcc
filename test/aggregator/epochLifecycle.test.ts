import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Hex, keccak256, parseEventLogs } from "viem";
import { hardhat } from "viem/chains";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { REWARD_LEAF_TYPES } from "../../src/protocol/constants.ts";
import { bundleLines } from "../protocol/bundle/helpers/bundleLines.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  postBatch,
  startAggregatorProcess,
  waitFor,
} from "./helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "./helpers/receipts.ts";

type EpochView = {
  epoch: number;
  status: string;
  post: null | {
    attempt: number;
    root: Hex;
    bundleHash: Hex;
    poolTotals: { poolId: Hex; amount: string }[];
    txHash: Hex;
  };
};

const EPOCH_SECONDS = 5;
const PRICE = 10n ** 9n; // one token unit per byte

describe("epochs end to end: close, post once, claimable, claim; a rejected epoch is posted again", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let signer: Signer;
  let dir: string;
  let port: number;
  let rich: Hex;
  let poor: Hex;
  let r1: Hex;
  let r2: Hex;
  let k = 0;
  const tsKey = keyFor("lifecycle-ticket-signer");
  const baseConfig = () =>
    aggregatorConfig({
      dir,
      port,
      rpcUrl: chain.rpcUrl,
      distributor: d.distributor,
      fromBlock: d.fromBlock,
      overrides: { posting: { enabled: true, autoRegister: true } },
    });
  const env = () => ({ MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) });
  const epochOf = (ms: number) => Math.floor((ms / 1000 - d.genesisTime) / EPOCH_SECONDS);
  const getEpoch = async (e: number) => (await (await fetch(`${agg.url}/v1/epochs/${e}`)).json()) as EpochView;
  const bundleOf = async (e: number, hash?: Hex) => {
    const res = await fetch(`${agg.url}/v1/epochs/${e}/bundle${hash ? `?hash=${hash}` : ""}`);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { bytes, lines: bundleLines(bytes) };
  };
  /** Waits for the start of a fresh epoch with at least `margin` seconds left, and returns it. */
  const freshEpoch = async (margin = 3) => {
    for (;;) {
      const now = Date.now();
      const e = epochOf(now);
      const left = d.genesisTime + (e + 1) * EPOCH_SECONDS - now / 1000;
      if (left >= margin) return e;
      await new Promise((r) => setTimeout(r, left * 1000 + 50));
    }
  };
  const deliver = async (relay: Hex, pool: Hex, viewer: string, sizes: number[]) => {
    const s = viewerSession(signer, {
      poolId: pool,
      ticketSignerKey: tsKey,
      viewerLabel: viewer,
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const receipts = sizes.map(
      (size, i) => s.receipt({ relay, segment: BigInt(k), chunk: i, size, deliveredAt: BigInt(Date.now()) }).json,
    );
    const res = await postBatch(agg.url, { relay, tickets: [s.signedTicket], receipts }, `lifecycle-${k++}`);
    assert.equal(res.body.accepted, sizes.length, JSON.stringify(res.body));
    return res.body.results[0].epoch as number;
  };
  const postedEvents = async () => {
    const logs = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
    return parseEventLogs({ abi: rewardDistributorAbi, logs, eventName: "EpochPosted" });
  };
  const balanceOf = (account: Hex) =>
    chain.publicClient.readContract({
      address: d.token,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [account],
    });
  const claim = async (e: number, pool: Hex, account: Hex) => {
    const served = (await (await fetch(`${agg.url}/v1/epochs/${e}/leaves/${pool}/${account}`)).json()) as {
      leaf: {
        account: Hex;
        poolId: Hex;
        cumulativeAmount: string;
        epochBytes: string;
        epochAmount: string;
        receiptsRoot: Hex;
      };
      proof: Hex[];
      root: Hex;
    };
    const leaf = {
      ...served.leaf,
      cumulativeAmount: BigInt(served.leaf.cumulativeAmount),
      epochBytes: BigInt(served.leaf.epochBytes),
      epochAmount: BigInt(served.leaf.epochAmount),
    };
    assert.ok(
      StandardMerkleTree.verify(
        served.root,
        [...REWARD_LEAF_TYPES],
        [leaf.account, leaf.poolId, leaf.cumulativeAmount, leaf.epochBytes, leaf.epochAmount, leaf.receiptsRoot],
        served.proof,
      ),
    );
    const before = await balanceOf(account);
    const hash = await chain.wallet(roles.challenger).writeContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "claim",
      args: [leaf, served.proof],
      account: chain.account(roles.challenger),
      chain: hardhat,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    return { paid: (await balanceOf(account)) - before, leaf };
  };

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, challengeWindow: 6 });
    rich = await createFundedPool(chain, d, { pricePerGB: PRICE, funding: 10n ** 12n, ticketSigner: addressOf(tsKey) });
    poor = await createFundedPool(chain, d, { pricePerGB: PRICE, funding: 30_000n, ticketSigner: addressOf(tsKey) });
    r1 = chain.account(roles.relay).address.toLowerCase() as Hex;
    r2 = chain.account(roles.relay2).address.toLowerCase() as Hex;
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    dir = makeWorkDir("lifecycle");
    port = await freePort();
    agg = await startAggregatorProcess({ dir, config: baseConfig(), env: env() });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await chain?.stop();
  });

  let firstEpoch = 0;
  let firstPaid = 0n;

  it("closes an epoch, posts it once, follows it to claimable, and a claim with the served proof pays on chain", async () => {
    const e = await freshEpoch();
    assert.equal(await deliver(r1, rich, "life-a", [10_000, 20_000]), e);
    assert.equal(await deliver(r2, rich, "life-b", [5_000]), e);
    assert.equal(await deliver(r2, poor, "life-c", [25_000, 25_000]), e);
    assert.equal(await deliver(r1, poor, "life-d", [10_000]), e);
    const view = await waitFor(
      "the epoch to become claimable",
      async () => {
        const v = await getEpoch(e);
        return v.status === "claimable" ? v : null;
      },
      60_000,
    );
    firstEpoch = e;
    const post = view.post!;
    // The bundle served is the one posted: same hash on chain, same root.
    const { bytes, lines } = await bundleOf(e);
    assert.equal(keccak256(bytes), post.bundleHash);
    const events = await postedEvents();
    const mine = events.filter((ev) => Number(ev.args.epoch) === e);
    assert.equal(mine.length, 1, "posted exactly once");
    assert.equal(mine[0]!.args.bundleHash, post.bundleHash);
    assert.equal(mine[0]!.args.root, post.root);
    assert.equal(mine[0]!.args.aggregator.toLowerCase(), chain.account(roles.aggregator).address.toLowerCase());
    assert.equal(mine[0]!.args.bundleURI, `${agg.url}/v1/epochs/${e}/bundle?hash=${post.bundleHash}`);
    // Every epoch from 0 on was posted once, in order, none skipped.
    assert.ok(events.length > e);
    assert.deepEqual(
      events.map((ev) => Number(ev.args.epoch)),
      Array.from({ length: events.length }, (_, i) => i),
    );
    // An independent recomputation from the bundle's receipts: bytes per (relay, pool), pro-rata in the poor pool.
    const leaves = lines.filter((l) => l.type === "leaf");
    const leaf = (pool: Hex, account: Hex) => leaves.find((l) => l.poolId === pool && l.account === account)!;
    assert.deepEqual([leaf(rich, r1).epochAmount, leaf(rich, r2).epochAmount], ["30000", "5000"]);
    assert.deepEqual(
      [leaf(poor, r2).epochAmount, leaf(poor, r1).epochAmount],
      [String((50_000n * 30_000n) / 60_000n), String((10_000n * 30_000n) / 60_000n)],
    );
    const poolLine = lines.find((l) => l.type === "pool" && l.poolId === poor)!;
    assert.equal(poolLine.available, "30000");
    assert.ok(BigInt(poolLine.total) <= 30_000n);
    const values = leaves.map((l) => [
      l.account,
      l.poolId,
      l.cumulativeAmount,
      l.epochBytes,
      l.epochAmount,
      l.receiptsRoot,
    ]);
    assert.equal(StandardMerkleTree.of(values, [...REWARD_LEAF_TYPES]).root, post.root);
    // A claim with the served proof pays the cumulative amount.
    const { paid } = await claim(e, rich, r1);
    assert.equal(paid, 30_000n);
    firstPaid = paid;
  });

  it("after a challenge upheld on chain, re-posts the rejected epoch honestly from a fresh snapshot; cumulative amounts continue", async () => {
    // Restart (graceful SIGTERM) as the faulty test entry point, with a fault in the next epoch that has receipts.
    assert.equal(await agg.kill("SIGTERM"), 0, "graceful shutdown exits 0");
    const f = (await freshEpoch(4)) + 1;
    agg = await startAggregatorProcess({
      dir,
      config: baseConfig(),
      env: env(),
      faults: { fault: { kind: "inflate-bytes", epoch: f, relay: r1 } },
    });
    await waitFor(
      "epoch f to start",
      async () => epochOf(Date.now()) === f && Date.now() / 1000 < d.genesisTime + (f + 1) * EPOCH_SECONDS - 2,
      20_000,
      50,
    );
    assert.equal(await deliver(r1, rich, "life-e", [7_000]), f);
    const faulty = await waitFor(
      "the faulty epoch to be posted",
      async () => {
        const v = await getEpoch(f);
        return v.status === "mined" || v.status === "claimable" ? v : null;
      },
      60_000,
      100,
    );
    assert.equal(faulty.status, "mined", "still inside its challenge window");
    const inflated = (await bundleOf(f)).lines.find((l) => l.type === "leaf" && l.poolId === rich && l.account === r1)!;
    assert.ok(BigInt(inflated.epochBytes) > 7_000n, "the faulty bundle credits bytes nobody delivered");

    // A challenger disputes it; the arbiter upholds: the epoch (and any later pending one) is rejected.
    const challengeHash = await chain.wallet(roles.challenger).writeContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "challenge",
      args: [BigInt(f), `0x${"ee".repeat(32)}`, "test://evidence"],
      value: d.config.challengerBond,
      account: chain.account(roles.challenger),
      chain: hardhat,
    });
    const opened = parseEventLogs({
      abi: rewardDistributorAbi,
      logs: (await chain.publicClient.waitForTransactionReceipt({ hash: challengeHash })).logs,
      eventName: "ChallengeOpened",
    });
    const challengeId = opened[0]!.args.challengeId;
    const upheld = await chain.wallet(roles.arbiter).writeContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "upholdChallenge",
      args: [challengeId],
      account: chain.account(roles.arbiter),
      chain: hardhat,
    });
    const upheldReceipt = await chain.publicClient.waitForTransactionReceipt({ hash: upheld });
    assert.equal(upheldReceipt.status, "success");
    const upheldBlock = upheldReceipt.blockNumber;

    // The aggregator re-registers (it was slashed) and posts the epoch again, honestly, then it becomes claimable.
    const honest = await waitFor(
      "the honest re-post to become claimable",
      async () => {
        const v = await getEpoch(f);
        return v.status === "claimable" && v.post!.attempt > faulty.post!.attempt ? v : null;
      },
      60_000,
    );
    const { lines } = await bundleOf(f);
    const leaf = lines.find((l) => l.type === "leaf" && l.poolId === rich && l.account === r1)!;
    assert.equal(leaf.epochBytes, "7000");
    assert.equal(leaf.epochAmount, "7000");
    assert.equal(leaf.cumulativeAmount, String(firstPaid + 7_000n), "cumulative over the first epoch's leaf");
    assert.ok(lines[0]!.snapshotBlock >= Number(upheldBlock), "a fresh snapshot, taken after the rejection");
    const events = (await postedEvents()).filter((ev) => Number(ev.args.epoch) === f);
    assert.equal(events.length, 2, "the faulty post and the one re-post");
    assert.equal(events[1]!.args.root, honest.post!.root);
    // The re-post went through repostEpoch with the rejected post's EpochData: its transaction released the faulty
    // post's allocations (EpochReplaced, committing to the faulty post's dataHash) before allocating its own.
    const repost = await chain.publicClient.getTransactionReceipt({ hash: events[1]!.transactionHash });
    const replaced = parseEventLogs({ abi: rewardDistributorAbi, logs: repost.logs, eventName: "EpochReplaced" });
    assert.equal(replaced.length, 1, "the re-post is a repostEpoch");
    assert.equal(replaced[0]!.args.replacedDataHash, events[0]!.args.dataHash);
    assert.deepEqual(
      replaced[0]!.args.released.map((t) => [t.poolId.toLowerCase(), t.amount]),
      events[0]!.args.poolTotals.map((t) => [t.poolId.toLowerCase(), t.amount]),
    );
    // The faulty bundle stays available by its hash for the arbiter and auditors.
    assert.equal(keccak256((await bundleOf(f, faulty.post!.bundleHash)).bytes), faulty.post!.bundleHash);
    // Claiming again pays only what is new since the first claim.
    const { paid } = await claim(f, rich, r1);
    assert.equal(paid, 7_000n);
    assert.ok(firstEpoch < f);
  });
});
