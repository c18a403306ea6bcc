import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Hex, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import { epochDataHash, TEST_CONFIG } from "./fixture.ts";
import {
  BUNDLE_URI,
  closesAt,
  createPool,
  type EpochInfo,
  leaf,
  loadScenario,
  now,
  openChallenge,
  POOL_FUNDS,
  type PoolInfo,
  passWindow,
  postEpoch,
  type Scenario,
  type SystemState,
  timeTo,
} from "./scenario.ts";

async function systemState(s: Scenario): Promise<SystemState> {
  return (await s.distributor.read.systemState()) as SystemState;
}
async function epochInfo(s: Scenario, epoch: bigint): Promise<EpochInfo> {
  return (await s.distributor.read.epochInfo([epoch])) as EpochInfo;
}
async function latest(s: Scenario): Promise<readonly [boolean, bigint]> {
  return (await s.distributor.read.latestClaimableEpoch()) as readonly [boolean, bigint];
}

/** Posts `epoch` with an arbitrary root and no pool totals, without moving the clock. */
async function postBare(s: Scenario, epoch: bigint): Promise<Hex> {
  return s.distributor.write.postEpoch([epoch, keccak256(toHex(epoch, { size: 32 })), [], zeroHash, ""], {
    account: s.wallets.aggregator.account,
  });
}

describe("RewardDistributor epochs", () => {
  describe("postEpoch", () => {
    it("emits EpochPosted whose dataHash equals epochDataHash(), stores the epoch and allocates each pool's total", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const second = await createPool(s, wallets.broadcaster, token.address);
      await distributor.write.fund([second, 1_000n], { account: wallets.broadcaster.account });
      const a = wallets.others[1]!.account.address;
      const b = wallets.others[2]!.account.address;
      const leaves = [leaf(a, s.poolId, 100n), leaf(b, s.poolId, 200n), leaf(a, second, 50n)];
      const poolTotals = [
        { poolId: s.poolId, amount: 300n },
        { poolId: second, amount: 50n },
      ];
      const bundleHash = keccak256(toHex("bundle-0"));
      const dataHash = epochDataHash(wallets.aggregator.account.address, bundleHash, poolTotals);
      const postedAt = (await closesAt(s, 0n)) + 7n;
      await s.networkHelpers.time.setNextBlockTimestamp(postedAt);
      const posted = await postEpoch(s, 0n, leaves, { poolTotals, bundleHash, keepTime: true });
      await viem.assertions.emitWithArgs(Promise.resolve(posted.hash), distributor, "EpochPosted", [
        0n,
        wallets.aggregator.account.address,
        posted.root,
        bundleHash,
        BUNDLE_URI,
        poolTotals,
        dataHash,
      ]);
      assert.deepEqual(await epochInfo(s, 0n), {
        root: posted.root,
        postedAt,
        claimableAt: postedAt + TEST_CONFIG.challengeWindow,
        dataHash: dataHash.slice(0, 2 + 27 * 2) as Hex,
        openChallenges: 0n,
        posted: true,
        claimable: false,
        aggregator: getAddress(wallets.aggregator.account.address),
        postSeq: 1n,
      });
      assert.equal((await systemState(s)).nextEpoch, 1n);
      const first = (await distributor.read.poolInfo([s.poolId])) as PoolInfo;
      assert.equal(first.unallocated, POOL_FUNDS - 300n);
      assert.equal(first.owed, 300n);
      const other = (await distributor.read.poolInfo([second])) as PoolInfo;
      assert.equal(other.unallocated, 950n);
      assert.equal(other.owed, 50n);
    });

    it("postEpoch refuses an epoch before it closes with EpochNotClosed, and takes it from the second it closes", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const closes = await closesAt(s, 0n);
      assert.equal(await distributor.read.epochClosesAt([0n]), closes);
      await s.networkHelpers.time.setNextBlockTimestamp(closes - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 0n, [], { keepTime: true }),
        distributor,
        "EpochNotClosed",
        [0n, closes],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(closes);
      await postEpoch(s, 0n, [], { keepTime: true });
      assert.equal((await systemState(s)).nextEpoch, 1n);
    });

    it("postEpoch refuses epochs out of order with EpochOutOfOrder", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      await timeTo(s, await closesAt(s, 3n));
      await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 1n, []), distributor, "EpochOutOfOrder", [
        1n,
        0n,
      ]);
      await postEpoch(s, 0n, []);
      await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 0n, []), distributor, "EpochOutOfOrder", [
        0n,
        1n,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 2n, []), distributor, "EpochOutOfOrder", [
        2n,
        1n,
      ]);
    });

    it("postEpoch refuses a zero root with EpochRootZero", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await timeTo(s, await closesAt(s, 0n));
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.postEpoch([0n, zeroHash, [], zeroHash, ""], { account: wallets.aggregator.account }),
        distributor,
        "EpochRootZero",
        [0n],
      );
    });

    it("postEpoch refuses pool totals that are not strictly ascending with EpochPoolTotalsNotSorted", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const second = await createPool(s, wallets.broadcaster, token.address);
      const a = wallets.others[1]!.account.address;
      const leaves = [leaf(a, s.poolId, 1n)];
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 0n, leaves, {
          poolTotals: [
            { poolId: second, amount: 0n },
            { poolId: s.poolId, amount: 1n },
          ],
        }),
        distributor,
        "EpochPoolTotalsNotSorted",
        [1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 0n, leaves, {
          poolTotals: [
            { poolId: s.poolId, amount: 1n },
            { poolId: second, amount: 0n },
            { poolId: second, amount: 0n },
          ],
        }),
        distributor,
        "EpochPoolTotalsNotSorted",
        [2n],
      );
    });

    it("postEpoch refuses a total for an unknown pool with PoolNotFound", async () => {
      const s = await loadScenario();
      const unknown = toHex(BigInt(s.poolId) + 5n, { size: 32 });
      await s.viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 0n, [leaf(s.wallets.others[1]!.account.address, unknown, 1n)]),
        s.distributor,
        "PoolNotFound",
        [unknown],
      );
    });

    it("postEpoch cuts a total the pool cannot cover to what it holds (PoolAllocationCapped); the rest of the post goes through", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const second = await createPool(s, wallets.broadcaster, token.address);
      await distributor.write.fund([second, 1_000n], { account: wallets.broadcaster.account });
      const a = wallets.others[1]!.account.address;
      const requested = [
        { poolId: s.poolId, amount: 300n },
        { poolId: second, amount: 5_000n },
      ];
      const allocated = [
        { poolId: s.poolId, amount: 300n },
        { poolId: second, amount: 1_000n },
      ];
      const posted = await postEpoch(s, 0n, [leaf(a, s.poolId, 300n), leaf(a, second, 5_000n)], {
        poolTotals: requested,
      });
      const tx = Promise.resolve(posted.hash);
      await viem.assertions.emitWithArgs(tx, distributor, "PoolAllocationCapped", [0n, second, 5_000n, 1_000n]);
      // The event and the commitment carry what was allocated, which is what a re-post gives back.
      const dataHash = epochDataHash(wallets.aggregator.account.address, posted.bundleHash, allocated);
      await viem.assertions.emitWithArgs(tx, distributor, "EpochPosted", [
        0n,
        wallets.aggregator.account.address,
        posted.root,
        posted.bundleHash,
        BUNDLE_URI,
        allocated,
        dataHash,
      ]);
      assert.equal((await epochInfo(s, 0n)).dataHash, dataHash.slice(0, 2 + 27 * 2));
      const pool = (await distributor.read.poolInfo([second])) as PoolInfo;
      assert.equal(pool.unallocated, 0n);
      assert.equal(pool.owed, 1_000n);
      assert.equal(((await distributor.read.poolInfo([s.poolId])) as PoolInfo).owed, 300n);
      // An empty pool is cut to zero and the post still goes through.
      const next = await postEpoch(s, 1n, [leaf(a, second, 5_001n, 1n)]);
      await viem.assertions.emitWithArgs(Promise.resolve(next.hash), distributor, "PoolAllocationCapped", [
        1n,
        second,
        1n,
        0n,
      ]);
      assert.equal((await systemState(s)).nextEpoch, 2n);
    });

    it("postEpoch refuses more than maxPoolTotals() = 128 pool totals with EpochTooManyPoolTotals", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await timeTo(s, await closesAt(s, 0n));
      const totals = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          poolId: toHex(BigInt(s.poolId) + BigInt(i), { size: 32 }),
          amount: 0n,
        }));
      const post = (n: number) =>
        distributor.write.postEpoch([0n, keccak256("0x01"), totals(n), zeroHash, ""], {
          account: wallets.aggregator.account,
        });
      await viem.assertions.revertWithCustomErrorWithArgs(post(129), distributor, "EpochTooManyPoolTotals", [
        129n,
        128n,
      ]);
      // 128 pass the count; the second of them is a pool that does not exist.
      await viem.assertions.revertWithCustomErrorWithArgs(post(128), distributor, "PoolNotFound", [
        totals(2)[1]!.poolId,
      ]);
    });
  });

  describe("claimability", () => {
    it("an epoch becomes claimable exactly challengeWindow seconds after its post, with no transaction", async () => {
      const s = await loadScenario();
      const { distributor } = s;
      await postEpoch(s, 0n, [leaf(s.wallets.others[1]!.account.address, s.poolId, 5n)]);
      const { postedAt } = await epochInfo(s, 0n);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      assert.deepEqual(await latest(s), [false, 0n]);
      await s.networkHelpers.time.increaseTo(postedAt + TEST_CONFIG.challengeWindow - 1n);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      await s.networkHelpers.time.increaseTo(postedAt + TEST_CONFIG.challengeWindow);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.deepEqual(await latest(s), [true, 0n]);
      assert.equal((await epochInfo(s, 0n)).claimable, true);
      // Claimable by time alone: nothing was recorded yet.
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 0n);
      assert.equal(state.claimRoot, zeroHash);
      assert.equal(await distributor.read.isClaimable([1n]), false);
    });

    it("advanceClaimable records ripe epochs, moves the claim root and emits ClaimableEpochAdvanced", async () => {
      const s = await loadScenario();
      const { distributor, viem, publicClient } = s;
      const first = await postEpoch(s, 0n, [leaf(s.wallets.others[1]!.account.address, s.poolId, 5n)]);
      const second = await postEpoch(s, 1n, [leaf(s.wallets.others[1]!.account.address, s.poolId, 9n, 4n)]);
      // Nothing is ripe yet: no event, no change.
      const idle = await distributor.write.advanceClaimable([]);
      assert.equal((await publicClient.waitForTransactionReceipt({ hash: idle })).logs.length, 0);
      assert.equal((await systemState(s)).claimableEnd, 0n);
      await passWindow(s);
      await viem.assertions.emitWithArgs(
        distributor.write.advanceClaimable([]),
        distributor,
        "ClaimableEpochAdvanced",
        [2n, second.root],
      );
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 2n);
      assert.equal(state.claimRoot, second.root);
      assert.notEqual(first.root, second.root);
    });

    it("postEpoch records the earlier epochs whose window passed (ClaimableEpochAdvanced in the same transaction)", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const first = await postEpoch(s, 0n, [leaf(s.wallets.others[1]!.account.address, s.poolId, 5n)]);
      await passWindow(s);
      const second = await postEpoch(s, 1n, [leaf(s.wallets.others[1]!.account.address, s.poolId, 9n, 4n)]);
      await viem.assertions.emitWithArgs(Promise.resolve(second.hash), distributor, "ClaimableEpochAdvanced", [
        1n,
        first.root,
      ]);
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 1n);
      assert.equal(state.claimRoot, first.root);
      assert.equal(state.nextEpoch, 2n);
    });

    it("a post records at most 16 ripe epochs (MAX_ADVANCE); advanceClaimable records all the rest", async () => {
      const s = await loadScenario();
      const { distributor } = s;
      await timeTo(s, await closesAt(s, 18n));
      for (let e = 0n; e < 18n; e++) await postBare(s, e);
      await passWindow(s);
      assert.deepEqual(await latest(s), [true, 17n]);
      await postBare(s, 18n);
      assert.equal((await systemState(s)).claimableEnd, 16n);
      await distributor.write.advanceClaimable([]);
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 18n);
      assert.equal(state.claimRoot, keccak256(toHex(17n, { size: 32 })));
    });

    it("epochInfo keeps only the superseded claimable epoch and later ones", async () => {
      const s = await loadScenario();
      await timeTo(s, await closesAt(s, 3n));
      for (let e = 0n; e < 4n; e++) await postBare(s, e);
      await passWindow(s);
      await s.distributor.write.advanceClaimable([]);
      const forgotten = await epochInfo(s, 1n);
      assert.equal(forgotten.posted, true);
      assert.equal(forgotten.root, zeroHash);
      assert.equal(forgotten.claimable, false);
      const superseded = await epochInfo(s, 2n);
      assert.equal(superseded.root, keccak256(toHex(2n, { size: 32 })));
      assert.equal(superseded.claimable, true);
      assert.deepEqual(await epochInfo(s, 4n), {
        root: zeroHash,
        postedAt: 0n,
        claimableAt: 0n,
        dataHash: `0x${"00".repeat(27)}`,
        openChallenges: 0n,
        posted: false,
        claimable: false,
        aggregator: zeroAddress,
        postSeq: 0n,
      });
    });

    it("postEpoch refuses a 65th pending epoch with EpochTooManyPending (maxPending() = 64)", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      assert.equal(await distributor.read.maxPending(), 64n);
      // After a long outage every closed epoch can be posted at once, and each stays pending for the window.
      await timeTo(s, await closesAt(s, 70n));
      for (let e = 0n; e < 64n; e++) await postBare(s, e);
      await viem.assertions.revertWithCustomErrorWithArgs(postBare(s, 64n), distributor, "EpochTooManyPending", [
        65n,
        64n,
      ]);
      // Once the window passes, posting records claimable epochs and goes on.
      await passWindow(s);
      await postBare(s, 64n);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 65n);
      assert.equal(state.claimableEnd, 16n);
    });
  });

  describe("the designated poster", () => {
    it("the previous epoch's poster posts the next: another aggregator is refused with EpochNotPoster until epochSeconds after the close", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const rival = wallets.others[4]!;
      await distributor.write.registerAggregator([], { account: rival.account, value: TEST_CONFIG.aggregatorBond });
      const a = wallets.others[1]!.account.address;
      await postEpoch(s, 0n, [leaf(a, s.poolId, 10n)]);
      const closes1 = await closesAt(s, 1n);
      const takeoverAt = closes1 + TEST_CONFIG.epochSeconds;
      for (const at of [closes1, takeoverAt - 1n]) {
        await s.networkHelpers.time.setNextBlockTimestamp(at);
        await viem.assertions.revertWithCustomErrorWithArgs(
          postEpoch(s, 1n, [], { aggregator: rival, keepTime: true }),
          distributor,
          "EpochNotPoster",
          [1n, wallets.aggregator.account.address, takeoverAt],
        );
      }
      await s.networkHelpers.time.setNextBlockTimestamp(takeoverAt);
      await postEpoch(s, 1n, [], { aggregator: rival, keepTime: true });
      assert.equal((await epochInfo(s, 1n)).aggregator, getAddress(rival.account.address));
      // The rival is now the incumbent: epoch 2 is its to post.
      await timeTo(s, await closesAt(s, 2n));
      await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 2n, []), distributor, "EpochNotPoster", [
        2n,
        rival.account.address,
        (await closesAt(s, 2n)) + TEST_CONFIG.epochSeconds,
      ]);
      await postEpoch(s, 2n, [], { aggregator: rival });
    });

    it("an incumbent that gave notice of exit or was slashed no longer holds the turn: another aggregator posts at once", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const rival = wallets.others[4]!;
      const third = wallets.others[5]!;
      for (const w of [rival, third]) {
        await distributor.write.registerAggregator([], { account: w.account, value: TEST_CONFIG.aggregatorBond });
      }
      await postEpoch(s, 0n, []);
      await distributor.write.requestAggregatorExit([], { account: wallets.aggregator.account });
      await postEpoch(s, 1n, [], { aggregator: rival });
      const e2 = await postEpoch(s, 2n, [], { aggregator: rival });
      const challenge = await openChallenge(s, 2n);
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      // Epoch 2's re-post: the incumbent (epoch 1's poster, the rival) was slashed, so the third aggregator takes it.
      assert.ok((await now(s)) < (await closesAt(s, 2n)) + TEST_CONFIG.epochSeconds);
      await postEpoch(s, 2n, [], { aggregator: third, replaced: e2.data });
      assert.equal((await epochInfo(s, 2n)).aggregator, getAddress(third.account.address));
    });
  });

  describe("prepareEpochRing", () => {
    it("emits EpochRingPrepared with the count clipped to the ring, and is harmless past its end", async () => {
      const { distributor, viem } = await loadScenario();
      await viem.assertions.emitWithArgs(
        distributor.write.prepareEpochRing([250n, 10n]),
        distributor,
        "EpochRingPrepared",
        [250n, 6n],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.prepareEpochRing([300n, 4n]),
        distributor,
        "EpochRingPrepared",
        [300n, 0n],
      );
    });

    it("never touches a slot in use, and makes the next post cheaper", async () => {
      const s = await loadScenario();
      const { distributor, publicClient, networkHelpers } = s;
      const a = s.wallets.others[1]!.account.address;
      const first = await postEpoch(s, 0n, [leaf(a, s.poolId, 5n)]);
      await timeTo(s, await closesAt(s, 1n));
      const snapshot = await networkHelpers.takeSnapshot();
      const gasOf = async (hash: Hex) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
      const cold = await gasOf((await postEpoch(s, 1n, [leaf(a, s.poolId, 9n, 4n)], { keepTime: true })).hash);
      await snapshot.restore();
      await distributor.write.prepareEpochRing([0n, 8n]);
      const info = await epochInfo(s, 0n);
      assert.equal(info.root, first.root);
      assert.equal(
        info.dataHash,
        epochDataHash(first.data.aggregator, first.bundleHash, first.poolTotals).slice(0, 56),
      );
      const warm = await gasOf((await postEpoch(s, 1n, [leaf(a, s.poolId, 9n, 4n)], { keepTime: true })).hash);
      assert.ok(cold - warm > 30_000n, `post into a prepared slot saved only ${cold - warm} gas`);
      // The prepared ring does not disturb claimability.
      await passWindow(s);
      assert.deepEqual(await latest(s), [true, 1n]);
    });
  });
});
