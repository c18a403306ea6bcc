import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import type { AccountRewardsView, PoolRewardsView } from "../../src/aggregator/epoch/readAccountRewards.ts";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { type AggregatorProcess, postBatch, waitFor } from "./helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "./helpers/receipts.ts";
import { startChainAggregator } from "./helpers/startChainAggregator.ts";

const EPOCH_SECONDS = 5;
// Long enough that "epoch a claimable, epoch b pending" lasts 15 s or more even on a loaded machine.
const CHALLENGE_WINDOW = 20;
const PRICE = 10n ** 9n; // one token unit per byte

describe("GET /v1/accounts/:account/rewards: per pool, claimed, claimable now with a ready claim, pending", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let signer: Signer;
  let p1: Hex;
  let p2: Hex;
  let relay: Hex;
  let k = 0;
  const tsKey = keyFor("account-rewards-ticket-signer");
  const epochOf = (ms: number) => Math.floor((ms / 1000 - d.genesisTime) / EPOCH_SECONDS);
  /** Waits until epoch `e` (or the next one, without `e`) runs with at least `margin` seconds left; returns it. */
  const epochWithTimeLeft = async (margin: number, e?: number) => {
    for (;;) {
      const now = Date.now();
      const current = epochOf(now);
      const left = d.genesisTime + (current + 1) * EPOCH_SECONDS - now / 1000;
      if ((e === undefined || current === e) && left >= margin) return current;
      if (e !== undefined && current > e) throw new Error(`epoch ${e} passed before the receipts were sent`);
      await new Promise((r) => setTimeout(r, e !== undefined && current < e ? 50 : left * 1000 + 50));
    }
  };
  const deliver = async (pool: Hex, viewer: string, size: number, by: Hex = relay) => {
    const s = viewerSession(signer, {
      poolId: pool,
      ticketSignerKey: tsKey,
      viewerLabel: viewer,
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const receipt = s.receipt({ relay: by, segment: BigInt(k), chunk: 0, size, deliveredAt: BigInt(Date.now()) }).json;
    const res = await postBatch(
      agg.url,
      { relay: by, tickets: [s.signedTicket], receipts: [receipt] },
      `rewards-${k++}`,
    );
    assert.equal(res.body.accepted, 1, JSON.stringify(res.body));
    return res.body.results[0].epoch as number;
  };
  const rewardsOf = async (account: string) => {
    const res = await fetch(`${agg.url}/v1/accounts/${account}/rewards`);
    return { status: res.status, body: (await res.json()) as AccountRewardsView & Record<string, any> };
  };
  const poolIn = (v: AccountRewardsView, poolId: Hex): PoolRewardsView => {
    const p = v.pools.find((x) => x.poolId === poolId);
    assert.ok(p, `pool ${poolId} in ${JSON.stringify(v)}`);
    return p;
  };
  const balance = () =>
    chain.publicClient.readContract({ address: d.token, abi: testTokenAbi, functionName: "balanceOf", args: [relay] });
  /** Sends the served calldata as the relay's own raw transaction; returns what it paid. */
  const send = async (p: PoolRewardsView) => {
    assert.ok(p.claim, `a claim to send for ${p.poolId}`);
    const before = await balance();
    const hash = await chain.wallet(roles.relay).sendTransaction({
      to: p.claim.transaction.to,
      data: p.claim.transaction.data,
      account: chain.account(roles.relay),
      chain: hardhat,
    });
    assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
    return (await balance()) - before;
  };
  const sumsUp = (p: PoolRewardsView) =>
    assert.equal(BigInt(p.claimed) + BigInt(p.claimable) + BigInt(p.pending.amount), BigInt(p.cumulativeAmount));

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, challengeWindow: CHALLENGE_WINDOW });
    const ticketSigner = addressOf(tsKey);
    p1 = await createFundedPool(chain, d, { pricePerGB: PRICE, funding: 10n ** 12n, ticketSigner });
    p2 = await createFundedPool(chain, d, { pricePerGB: PRICE, funding: 10n ** 12n, ticketSigner });
    relay = chain.account(roles.relay).address.toLowerCase() as Hex;
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    agg = await startChainAggregator(chain, d, {
      name: "account-rewards",
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await chain?.stop();
  });

  let a = 0;
  let b = 0;

  it("splits a claimable epoch's amount from a later posted one's, with the claimable leaf, proof and calldata", async () => {
    a = await epochWithTimeLeft(3);
    assert.equal(await deliver(p1, "rewards-a", 10_000), a);
    // Another relay in the same pool: the tree has more than one leaf, the proof is not empty.
    assert.equal(
      await deliver(p1, "rewards-other", 2_000, chain.account(roles.relay2).address.toLowerCase() as Hex),
      a,
    );
    b = await epochWithTimeLeft(2, a + 1);
    assert.equal(await deliver(p1, "rewards-b", 4_000), b);
    assert.equal(await deliver(p2, "rewards-c", 3_000), b);

    // Epoch a claimable, epoch b posted and still in its challenge window (for 15 s or more).
    const view = await waitFor(
      "epoch a claimable and epoch b posted",
      async () => {
        const { status, body } = await rewardsOf(relay);
        assert.equal(status, 200, JSON.stringify(body));
        return (body.latestClaimableEpoch ?? -1) >= a && (body.latestPostedEpoch ?? -1) >= b ? body : null;
      },
      60_000,
      100,
    );
    assert.equal(
      view.latestClaimableEpoch,
      a,
      `missed the window (epoch b already claimable): ${JSON.stringify(view)}`,
    );
    const block = BigInt(view.block);
    const clock = await chain.publicClient.readContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "clock",
      blockNumber: block,
    });
    assert.equal(view.clock, Number(clock));
    const latest = await chain.publicClient.readContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "epochInfo",
      args: [BigInt(view.latestPostedEpoch!)],
      blockNumber: block,
    });
    assert.ok(Number(latest.claimableAt) > view.clock);
    assert.deepEqual(
      view.pools.map((p) => p.poolId),
      [p1, p2].sort(),
    );

    const one = poolIn(view, p1);
    assert.equal(one.token, d.token);
    assert.equal(one.cumulativeAmount, "14000");
    assert.equal(one.claimed, "0");
    assert.equal(one.claimable, "10000");
    assert.deepEqual(one.pending, {
      amount: "4000",
      epoch: view.latestPostedEpoch,
      claimableAt: Number(latest.claimableAt),
    });
    // The claim is the leaf and proof the single-leaf route serves for epoch a, against its root on chain.
    const served = (await (await fetch(`${agg.url}/v1/epochs/${a}/leaves/${p1}/${relay}`)).json()) as Record<
      string,
      any
    >;
    const onChainA = await chain.publicClient.readContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "epochInfo",
      args: [BigInt(a)],
      blockNumber: block,
    });
    assert.ok(one.claim);
    assert.equal(one.claim.epoch, a);
    assert.equal(one.claim.root, onChainA.root.toLowerCase());
    assert.equal(one.claim.root, served.root);
    assert.deepEqual(one.claim.leaf, served.leaf);
    assert.equal(one.claim.leaf.cumulativeAmount, "10000");
    assert.deepEqual(one.claim.proof, served.proof);
    assert.ok(one.claim.proof.length > 0);
    assert.equal(one.claim.leafHash, served.leafHash);
    assert.equal(one.claim.transaction.to, d.distributor);

    // Earned only in epoch b: nothing claimable yet, so no claim; all of it pending.
    const two = poolIn(view, p2);
    assert.equal(two.cumulativeAmount, "3000");
    assert.equal(two.claimable, "0");
    assert.equal(two.claim, null);
    assert.equal(two.pending.amount, "3000");
    sumsUp(one);
    sumsUp(two);

    // The calldata, sent as the relay's own transaction, pays what was claimable.
    assert.equal(await send(one), 10_000n);
    const afterClaim = poolIn((await rewardsOf(relay)).body, p1);
    assert.equal(afterClaim.claimed, "10000");
    sumsUp(afterClaim);
  });

  it("once everything is claimable, the served calldata pays the rest: claimed equals cumulative, nothing left", async () => {
    const view = await waitFor(
      "epoch b claimable",
      async () => {
        const { body } = await rewardsOf(relay);
        return body.latestClaimableEpoch !== null && body.latestClaimableEpoch >= b ? body : null;
      },
      60_000,
      100,
    );
    const one = poolIn(view, p1);
    const two = poolIn(view, p2);
    assert.deepEqual(
      [one.claimable, one.pending, two.claimable, two.pending],
      [
        "4000",
        { amount: "0", epoch: null, claimableAt: null },
        "3000",
        { amount: "0", epoch: null, claimableAt: null },
      ],
    );
    assert.equal(await send(one), 4_000n);
    assert.equal(await send(two), 3_000n);
    const done = (await rewardsOf(relay)).body;
    for (const p of done.pools) {
      assert.equal(p.claimed, p.cumulativeAmount);
      assert.equal(p.claimable, "0");
      assert.equal(p.pending.amount, "0");
      assert.equal(p.claim, null);
    }
    assert.deepEqual(
      done.pools.map((p) => [p.poolId, p.claimed]),
      [
        [p1, "14000"],
        [p2, "3000"],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    for (const poolId of [p1, p2]) {
      const [claimed] = await chain.publicClient.readContract({
        address: d.distributor,
        abi: rewardDistributorAbi,
        functionName: "claimed",
        args: [poolId, relay],
      });
      assert.equal(claimed.toString(), poolIn(done, poolId).cumulativeAmount);
    }
  });

  it("answers 400 REQUEST_INVALID for a malformed address and an empty list for an account that never earned", async () => {
    for (const bad of ["0x1234", `0x${"zz".repeat(20)}`, "relay", `${relay}00`]) {
      const { status, body } = await rewardsOf(bad);
      assert.equal(status, 400, bad);
      assert.equal(body.code, "REQUEST_INVALID");
      assert.deepEqual(body.details, { path: "account" });
    }
    const stranger = chain.account(roles.relay3).address;
    const { status, body } = await rewardsOf(stranger);
    assert.equal(status, 200);
    assert.equal(body.account, stranger.toLowerCase());
    assert.deepEqual(body.pools, []);
    assert.ok(body.latestPostedEpoch !== null && body.latestPostedEpoch >= b);
  });
});
