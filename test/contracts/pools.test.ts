import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maxUint256, zeroAddress } from "viem";
import { TEST_CONFIG } from "./fixture.ts";
import {
  balanceOf,
  closesAt,
  createPool,
  leaf,
  loadScenario,
  now,
  openChallenge,
  POOL_FUNDS,
  type PoolInfo,
  PRICE,
  postEpoch,
  type Scenario,
  timeTo,
  toPoolId,
} from "./scenario.ts";

const MAX_UINT120 = (1n << 120n) - 1n;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT224 = (1n << 224n) - 1n;

async function poolInfo(s: Scenario, poolId = s.poolId): Promise<PoolInfo> {
  return (await s.distributor.read.poolInfo([poolId])) as PoolInfo;
}

/** Posts epochs from `from` on, bare, while the next one has closed too; returns the latest closed epoch, unposted. */
async function postUpToLatestClosed(s: Scenario, from: bigint): Promise<bigint> {
  let epoch = from;
  while ((await closesAt(s, epoch + 1n)) <= (await now(s)) + 1n) {
    await postEpoch(s, epoch, [], { keepTime: true });
    epoch++;
  }
  return epoch;
}

/** The next transaction is mined at `now + 10`; returns that timestamp. */
async function nextTxAt(s: Scenario): Promise<bigint> {
  const t = (await now(s)) + 10n;
  await s.networkHelpers.time.setNextBlockTimestamp(t);
  return t;
}

describe("RewardDistributor pools", () => {
  describe("createPool", () => {
    it("emits PoolCreated and numbers pools token << 96 | sequence", async () => {
      const s = await loadScenario();
      const { distributor, token, viem, wallets } = s;
      const owner = wallets.others[5]!;
      const signer = wallets.others[6]!.account.address;
      assert.equal(s.poolId, toPoolId(token.address, 1n));
      const expected = toPoolId(token.address, 2n);
      await viem.assertions.emitWithArgs(
        distributor.write.createPool([token.address, 123n, signer, "ipfs://second"], { account: owner.account }),
        distributor,
        "PoolCreated",
        [expected, owner.account.address, token.address, 123n, signer, "ipfs://second"],
      );
      const info = await poolInfo(s, expected);
      assert.equal(info.token.toLowerCase(), token.address.toLowerCase());
      assert.equal(info.owner.toLowerCase(), owner.account.address.toLowerCase());
      assert.equal(info.ticketSigner.toLowerCase(), signer.toLowerCase());
      assert.equal(info.pricePerGB, 123n);
      assert.equal(info.unallocated, 0n);
      assert.equal(info.owed, 0n);
      assert.equal(info.metadataURI, "ipfs://second");
    });

    it("createPool refuses a zero token or a zero ticket signer with ZeroAddress", async () => {
      const { distributor, token, viem, wallets } = await loadScenario();
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomError(
        distributor.write.createPool([zeroAddress, PRICE, account.address, ""], { account }),
        distributor,
        "ZeroAddress",
      );
      await viem.assertions.revertWithCustomError(
        distributor.write.createPool([token.address, PRICE, zeroAddress, ""], { account }),
        distributor,
        "ZeroAddress",
      );
    });

    it("createPool refuses a price above 2^224 - 1 with PoolPriceTooHigh and takes 2^224 - 1", async () => {
      const s = await loadScenario();
      const { distributor, token, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.createPool([token.address, MAX_UINT224 + 1n, account.address, ""], { account }),
        distributor,
        "PoolPriceTooHigh",
        [MAX_UINT224 + 1n],
      );
      const poolId = await createPool(s, wallets.broadcaster, token.address, MAX_UINT224);
      assert.equal((await poolInfo(s, poolId)).pricePerGB, MAX_UINT224);
    });

    it("poolInfo and priceAt refuse an unknown pool with PoolNotFound", async () => {
      const { distributor, token, viem } = await loadScenario();
      const unknown = toPoolId(token.address, 99n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.read.poolInfo([unknown]),
        distributor,
        "PoolNotFound",
        [unknown],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.read.priceAt([unknown, 0n]),
        distributor,
        "PoolNotFound",
        [unknown],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.read.ticketSignerAt([unknown, 0n]),
        distributor,
        "PoolNotFound",
        [unknown],
      );
    });
  });

  describe("fund", () => {
    it("lets a third party fund any pool and emits PoolFunded with the amount received", async () => {
      const s = await loadScenario();
      const { distributor, token, viem, wallets } = s;
      const funder = wallets.others[7]!;
      await token.write.mint([funder.account.address, 5_000n]);
      await token.write.approve([distributor.address, 5_000n], { account: funder.account });
      await viem.assertions.emitWithArgs(
        distributor.write.fund([s.poolId, 5_000n], { account: funder.account }),
        distributor,
        "PoolFunded",
        [s.poolId, funder.account.address, 5_000n],
      );
      assert.equal((await poolInfo(s)).unallocated, POOL_FUNDS + 5_000n);
      assert.equal(await balanceOf(token, funder.account.address), 0n);
      assert.equal(await balanceOf(token, distributor.address), POOL_FUNDS + 5_000n);
    });

    it("fund refuses a zero amount with ZeroAmount and an unknown pool with PoolNotFound", async () => {
      const { distributor, token, viem, wallets } = await loadScenario();
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomError(
        distributor.write.fund([toPoolId(token.address, 1n), 0n], { account }),
        distributor,
        "ZeroAmount",
      );
      const unknown = toPoolId(token.address, 42n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.fund([unknown, 1n], { account }),
        distributor,
        "PoolNotFound",
        [unknown],
      );
    });

    it("fund credits what a fee-on-transfer token actually delivered", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const feeToken = await viem.deployContract("FeeOnTransferTokenMock", [100n]); // 1% burnt per transfer
      const owner = wallets.broadcaster;
      const poolId = await createPool(s, owner, feeToken.address);
      await feeToken.write.mint([owner.account.address, 10_000n]);
      await feeToken.write.approve([distributor.address, maxUint256], { account: owner.account });
      await viem.assertions.emitWithArgs(
        distributor.write.fund([poolId, 10_000n], { account: owner.account }),
        distributor,
        "PoolFunded",
        [poolId, owner.account.address, 9_900n],
      );
      assert.equal((await poolInfo(s, poolId)).unallocated, 9_900n);
      assert.equal((await feeToken.read.balanceOf([distributor.address])) as bigint, 9_900n);
      // A post can allocate what arrived, not what was sent.
      const posted = await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, poolId, 10_000n)]);
      await viem.assertions.emitWithArgs(Promise.resolve(posted.hash), distributor, "PoolAllocationCapped", [
        0n,
        poolId,
        10_000n,
        9_900n,
      ]);
      assert.equal((await poolInfo(s, poolId)).owed, 9_900n);
    });

    it("fund refuses to push unallocated + owed past 2^120 - 1 with PoolBalanceOverflow", async () => {
      const s = await loadScenario();
      const { distributor, token, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      const room = MAX_UINT120 - POOL_FUNDS;
      await token.write.mint([account.address, room + 1n]);
      await distributor.write.fund([s.poolId, room], { account });
      assert.equal((await poolInfo(s)).unallocated, MAX_UINT120);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.fund([s.poolId, 1n], { account }),
        distributor,
        "PoolBalanceOverflow",
        [s.poolId, 1n],
      );
    });
  });

  describe("setPrice and priceAt", () => {
    it("setPrice takes effect from the next epoch and emits PoolPriceChanged", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const current = (await distributor.read.currentEpoch()) as bigint;
      await viem.assertions.emitWithArgs(
        distributor.write.setPrice([s.poolId, 777n], { account: wallets.broadcaster.account }),
        distributor,
        "PoolPriceChanged",
        [s.poolId, 777n, current + 1n],
      );
      assert.equal(await distributor.read.priceAt([s.poolId, current]), PRICE);
      assert.equal(await distributor.read.priceAt([s.poolId, current + 1n]), 777n);
      assert.equal(await distributor.read.priceAt([s.poolId, current + 50n]), 777n);
      assert.equal((await poolInfo(s)).pricePerGB, PRICE);
      await s.networkHelpers.time.increaseTo(s.config.genesisTime + (current + 1n) * s.config.epochSeconds);
      assert.equal((await poolInfo(s)).pricePerGB, 777n);
    });

    it("a second setPrice in the same epoch replaces the pending price; later changes keep the history", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const account = wallets.broadcaster.account;
      const e = (await distributor.read.currentEpoch()) as bigint;
      await distributor.write.setPrice([s.poolId, 1n], { account });
      await distributor.write.setPrice([s.poolId, 2n], { account });
      await s.networkHelpers.time.increaseTo(s.config.genesisTime + (e + 3n) * s.config.epochSeconds);
      await distributor.write.setPrice([s.poolId, 3n], { account });
      assert.equal(await distributor.read.priceAt([s.poolId, e]), PRICE);
      assert.equal(await distributor.read.priceAt([s.poolId, e + 1n]), 2n);
      assert.equal(await distributor.read.priceAt([s.poolId, e + 3n]), 2n);
      assert.equal(await distributor.read.priceAt([s.poolId, e + 4n]), 3n);
    });

    it("setPrice is owner only (PoolUnauthorized), checks the pool (PoolNotFound) and the price (PoolPriceTooHigh)", async () => {
      const { distributor, token, viem, wallets, poolId } = await loadScenario();
      const stranger = wallets.others[3]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.setPrice([poolId, 1n], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [poolId, stranger.address],
      );
      const unknown = toPoolId(token.address, 9n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.setPrice([unknown, 1n], { account: wallets.broadcaster.account }),
        distributor,
        "PoolNotFound",
        [unknown],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.setPrice([poolId, MAX_UINT224 + 1n], { account: wallets.broadcaster.account }),
        distributor,
        "PoolPriceTooHigh",
        [MAX_UINT224 + 1n],
      );
    });
  });

  describe("rotateTicketSigner and ticketSignerAt", () => {
    it("rotates the signer from now on, keeps the history, and emits PoolTicketSignerRotated", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, ticketSigner } = s;
      const before = await now(s);
      const next = wallets.others[8]!.account.address;
      const at = await nextTxAt(s);
      await viem.assertions.emitWithArgs(
        distributor.write.rotateTicketSigner([s.poolId, next], { account: wallets.broadcaster.account }),
        distributor,
        "PoolTicketSignerRotated",
        [s.poolId, next],
      );
      const signerAt = async (t: bigint) =>
        ((await distributor.read.ticketSignerAt([s.poolId, t])) as string).toLowerCase();
      assert.equal(await signerAt(before), ticketSigner.account.address.toLowerCase());
      assert.equal(await signerAt(at - 1n), ticketSigner.account.address.toLowerCase());
      assert.equal(await signerAt(at), next.toLowerCase());
      assert.equal(await signerAt(at + 1_000_000n), next.toLowerCase());
      assert.equal(await signerAt(0n), ticketSigner.account.address.toLowerCase());
      assert.equal((await poolInfo(s)).ticketSigner.toLowerCase(), next.toLowerCase());
    });

    it("rotateTicketSigner refuses the zero address (ZeroAddress) and non-owners (PoolUnauthorized)", async () => {
      const { distributor, viem, wallets, poolId } = await loadScenario();
      await viem.assertions.revertWithCustomError(
        distributor.write.rotateTicketSigner([poolId, zeroAddress], { account: wallets.broadcaster.account }),
        distributor,
        "ZeroAddress",
      );
      const stranger = wallets.others[3]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.rotateTicketSigner([poolId, stranger.address], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [poolId, stranger.address],
      );
    });
  });

  describe("withdrawals", () => {
    it("requestWithdrawal records the notice and its expiry and emits PoolWithdrawalRequested", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const notice = (await distributor.read.withdrawalNotice()) as bigint;
      const at = await nextTxAt(s);
      await viem.assertions.emitWithArgs(
        distributor.write.requestWithdrawal([s.poolId, 400n], { account: wallets.broadcaster.account }),
        distributor,
        "PoolWithdrawalRequested",
        [s.poolId, 400n, at + notice, at + 2n * notice],
      );
      const info = await poolInfo(s);
      assert.equal(info.withdrawalAmount, 400n);
      assert.equal(info.withdrawalAvailableAt, at + notice);
      assert.equal(info.withdrawalExpiresAt, at + 2n * notice);
    });

    it("a withdrawal request expires withdrawalNotice() after it became available (PoolWithdrawalExpired)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      await distributor.write.requestWithdrawal([s.poolId, 400n], { account });
      const { withdrawalExpiresAt } = await poolInfo(s);
      await s.networkHelpers.time.setNextBlockTimestamp(withdrawalExpiresAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawalExpired",
        [s.poolId, withdrawalExpiresAt],
      );
      assert.equal((await poolInfo(s)).unallocated, POOL_FUNDS);
      // A new request starts a new notice.
      await distributor.write.requestWithdrawal([s.poolId, 400n], { account });
      const renewed = await poolInfo(s);
      assert.ok(renewed.withdrawalAvailableAt > withdrawalExpiresAt);
    });

    it("requestWithdrawal refuses zero (ZeroAmount), more than 2^128 - 1 (PoolBalanceOverflow) and non-owners", async () => {
      const { distributor, viem, wallets, poolId, token } = await loadScenario();
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomError(
        distributor.write.requestWithdrawal([poolId, 0n], { account }),
        distributor,
        "ZeroAmount",
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.requestWithdrawal([poolId, MAX_UINT128 + 1n], { account }),
        distributor,
        "PoolBalanceOverflow",
        [poolId, MAX_UINT128 + 1n],
      );
      const stranger = wallets.others[3]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.requestWithdrawal([poolId, 1n], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [poolId, stranger.address],
      );
      const unknown = toPoolId(token.address, 77n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.requestWithdrawal([unknown, 1n], { account }),
        distributor,
        "PoolNotFound",
        [unknown],
      );
    });

    it("withdraw needs a notice (PoolNoWithdrawalRequested) that has run (PoolWithdrawalNotReady until the second it ends)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolNoWithdrawalRequested",
        [s.poolId],
      );
      await distributor.write.requestWithdrawal([s.poolId, 400n], { account });
      const { withdrawalAvailableAt } = await poolInfo(s);
      await s.networkHelpers.time.setNextBlockTimestamp(withdrawalAvailableAt - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawalNotReady",
        [s.poolId, withdrawalAvailableAt],
      );
      const to = wallets.others[9]!.account.address;
      await s.networkHelpers.time.setNextBlockTimestamp(withdrawalAvailableAt);
      await viem.assertions.emitWithArgs(
        distributor.write.withdraw([s.poolId, to], { account }),
        distributor,
        "PoolWithdrawn",
        [s.poolId, to, 400n],
      );
      assert.equal(await balanceOf(token, to), 400n);
      const info = await poolInfo(s);
      assert.equal(info.unallocated, POOL_FUNDS - 400n);
      assert.equal(info.withdrawalAmount, 0n);
      assert.equal(info.withdrawalAvailableAt, 0n);
      // The notice is used up.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, to], { account }),
        distributor,
        "PoolNoWithdrawalRequested",
        [s.poolId],
      );
    });

    it("withdraw waits for every closed epoch to be posted (PoolWithdrawalEpochsInFlight) and pays only unallocated funds", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const account = wallets.broadcaster.account;
      await distributor.write.requestWithdrawal([s.poolId, POOL_FUNDS * 2n], { account });
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 300n)]);
      const { withdrawalAvailableAt } = await poolInfo(s);
      await s.networkHelpers.time.increaseTo(withdrawalAvailableAt);
      // Epochs closed during the notice; the latest of them is not posted yet: relays may have earned in it.
      const last = await postUpToLatestClosed(s, 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawalEpochsInFlight",
        [s.poolId, last, (await closesAt(s, last)) + TEST_CONFIG.challengeWindow],
      );
      // Once every closed epoch is posted (the latest allocates 200 more), the request goes through.
      await postEpoch(s, last, [leaf(wallets.others[1]!.account.address, s.poolId, 500n, 200n)], { keepTime: true });
      const next = await postUpToLatestClosed(s, last + 1n);
      if ((await closesAt(s, next)) <= (await now(s)) + 1n) await postEpoch(s, next, [], { keepTime: true });
      const before = await balanceOf(token, account.address);
      await viem.assertions.emitWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawn",
        [s.poolId, account.address, POOL_FUNDS - 500n],
      );
      assert.equal((await balanceOf(token, account.address)) - before, POOL_FUNDS - 500n);
      const info = await poolInfo(s);
      assert.equal(info.unallocated, 0n);
      assert.equal(info.owed, 500n);
    });

    it("withdraw goes through without the post once the aggregators are a whole challenge window late with it", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      await distributor.write.requestWithdrawal([s.poolId, 100n], { account });
      await postEpoch(s, 0n, []);
      const { withdrawalAvailableAt } = await poolInfo(s);
      await s.networkHelpers.time.increaseTo(withdrawalAvailableAt);
      const last = await postUpToLatestClosed(s, 1n);
      const waitUntil = (await closesAt(s, last)) + TEST_CONFIG.challengeWindow;
      await s.networkHelpers.time.setNextBlockTimestamp(waitUntil - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawalEpochsInFlight",
        [s.poolId, last, waitUntil],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(waitUntil);
      await viem.assertions.emitWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolWithdrawn",
        [s.poolId, account.address, 100n],
      );
    });

    it("an owner who challenges its own pool's honest epoch and outlasts the arbiter still cannot take what relays earned in it", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const owner = wallets.broadcaster;
      const relay = wallets.others[1]!.account.address;
      await distributor.write.requestWithdrawal([s.poolId, POOL_FUNDS], { account: owner.account });
      await postEpoch(s, 0n, [leaf(relay, s.poolId, 300n)]);
      const challenge = await openChallenge(s, 0n, owner);
      const { openedAt } = (await distributor.read.challengeInfo([challenge.id])) as { openedAt: number };
      await timeTo(s, BigInt(openedAt) + TEST_CONFIG.arbiterTimeout);
      await timeTo(s, (await poolInfo(s)).withdrawalAvailableAt);
      // The lapsed deadline keeps the epoch: its 300 stay owed.
      await distributor.write.resolveExpiredChallenge([challenge.id], { account: owner.account });
      assert.equal(await distributor.read.isClaimable([0n]), true);
      const next = await postUpToLatestClosed(s, 1n);
      await postEpoch(s, next, [], { keepTime: true });
      await viem.assertions.emitWithArgs(
        distributor.write.withdraw([s.poolId, owner.account.address], { account: owner.account }),
        distributor,
        "PoolWithdrawn",
        [s.poolId, owner.account.address, POOL_FUNDS - 300n],
      );
      assert.equal((await poolInfo(s)).owed, 300n);
    });

    // Contract bug found while writing these tests (not fixed here: contracts/ are out of this change's scope).
    // withdraw() counts an epoch as in flight only until closesAt(nextEpoch) + challengeWindow, in unix time. After an
    // upheld challenge nextEpoch goes back to an epoch that closed long ago, so an owner holding a matured request can
    // withdraw, before the re-post, what the rejected post did not reserve, and the honest re-post is then capped.
    it("an owner cannot withdraw, between an upheld challenge and the re-post, what relays earned in the rejected epoch", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const owner = wallets.broadcaster.account;
      const relay = wallets.others[1]!.account.address;
      await distributor.write.requestWithdrawal([s.poolId, POOL_FUNDS], { account: owner });
      // A bad post of epoch 0: its root owes the relay 300 but it allocates nothing.
      const bad = await postEpoch(s, 0n, [leaf(relay, s.poolId, 300n)], { poolTotals: [] });
      const { postedAt } = (await distributor.read.epochInfo([0n])) as { postedAt: bigint };
      await s.networkHelpers.time.setNextBlockTimestamp(postedAt + TEST_CONFIG.challengeWindow - 1n);
      const challenge = await openChallenge(s, 0n);
      // The arbiter upholds within its deadline, once the owner's notice has run.
      await s.networkHelpers.time.increaseTo((await poolInfo(s)).withdrawalAvailableAt);
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      // The owner acts first; whether refused or not, the honest re-post must still allocate the relay's 300.
      await distributor.write.withdraw([s.poolId, owner.address], { account: owner }).catch(() => undefined);
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      await postEpoch(s, 0n, [leaf(relay, s.poolId, 300n)], { replaced: bad.data, keepTime: true });
      assert.equal((await poolInfo(s)).owed, 300n, "the honest re-post was capped: the owner took what relays earned");
    });

    // Contract bug: the "aggregators are a challenge window late" escape of withdraw() runs on unix time, not on the
    // contract clock, so a pause (during which nobody can post) uses it up; right after the unpause the owner can
    // withdraw what relays earned in the epoch that closed as the pause began.
    it("a pause does not use up the aggregators' time to post a closed epoch before the owner may withdraw", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const owner = wallets.broadcaster.account;
      const relay = wallets.others[1]!.account.address;
      await distributor.write.requestWithdrawal([s.poolId, POOL_FUNDS], { account: owner });
      // Every epoch before the first that closes after the owner's notice has run is posted on time.
      const { withdrawalAvailableAt } = await poolInfo(s);
      let epoch = 0n;
      while ((await closesAt(s, epoch)) < withdrawalAvailableAt) epoch++;
      await timeTo(s, await closesAt(s, epoch - 1n));
      for (let e = 0n; e < epoch; e++) await postEpoch(s, e, [], { keepTime: true });
      const closes = await closesAt(s, epoch);
      await s.networkHelpers.time.setNextBlockTimestamp(closes);
      await distributor.write.pause([], { account: wallets.guardian.account });
      await s.networkHelpers.time.setNextBlockTimestamp(closes + TEST_CONFIG.arbiterTimeout);
      await distributor.write.unpause([], { account: wallets.guardian.account });
      await distributor.write.withdraw([s.poolId, owner.address], { account: owner }).catch(() => undefined);
      await postEpoch(s, epoch, [leaf(relay, s.poolId, 300n)], { keepTime: true });
      assert.equal((await poolInfo(s)).owed, 300n, "the post was capped: the owner took what relays earned");
    });

    it("withdraw refuses a zero recipient (ZeroAddress) and non-owners (PoolUnauthorized)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      await distributor.write.requestWithdrawal([s.poolId, 1n], { account });
      await s.networkHelpers.time.increaseTo((await poolInfo(s)).withdrawalAvailableAt);
      await viem.assertions.revertWithCustomError(
        distributor.write.withdraw([s.poolId, zeroAddress], { account }),
        distributor,
        "ZeroAddress",
      );
      const stranger = wallets.others[3]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, stranger.address], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, stranger.address],
      );
    });

    it("cancelWithdrawal clears the notice and emits PoolWithdrawalCancelled; without one it reverts", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.cancelWithdrawal([s.poolId], { account }),
        distributor,
        "PoolNoWithdrawalRequested",
        [s.poolId],
      );
      await distributor.write.requestWithdrawal([s.poolId, 100n], { account });
      const stranger = wallets.others[3]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.cancelWithdrawal([s.poolId], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, stranger.address],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.cancelWithdrawal([s.poolId], { account }),
        distributor,
        "PoolWithdrawalCancelled",
        [s.poolId],
      );
      const info = await poolInfo(s);
      assert.equal(info.withdrawalAmount, 0n);
      assert.equal(info.withdrawalAvailableAt, 0n);
      await s.networkHelpers.time.increase((await distributor.read.withdrawalNotice()) as bigint);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, account.address], { account }),
        distributor,
        "PoolNoWithdrawalRequested",
        [s.poolId],
      );
      assert.equal((await poolInfo(s)).unallocated, POOL_FUNDS);
    });
  });

  describe("two-step ownership", () => {
    it("transferPoolOwnership offers the pool; acceptPoolOwnership by the pending owner moves every owner right", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const owner = wallets.broadcaster.account;
      const next = wallets.others[7]!.account;
      await viem.assertions.emitWithArgs(
        distributor.write.transferPoolOwnership([s.poolId, next.address], { account: owner }),
        distributor,
        "PoolOwnershipTransferStarted",
        [s.poolId, owner.address, next.address],
      );
      let info = await poolInfo(s);
      assert.equal(info.pendingOwner.toLowerCase(), next.address.toLowerCase());
      assert.equal(info.owner.toLowerCase(), owner.address.toLowerCase());
      // Until accepted, the pool is still the old owner's.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.setPrice([s.poolId, 1n], { account: next }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, next.address],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.acceptPoolOwnership([s.poolId], { account: next }),
        distributor,
        "PoolOwnershipTransferred",
        [s.poolId, owner.address, next.address],
      );
      info = await poolInfo(s);
      assert.equal(info.owner.toLowerCase(), next.address.toLowerCase());
      assert.equal(info.pendingOwner, zeroAddress);
      await distributor.write.setPrice([s.poolId, 1n], { account: next });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.requestWithdrawal([s.poolId, 1n], { account: owner }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, owner.address],
      );
      // The offer is used up.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.acceptPoolOwnership([s.poolId], { account: next }),
        distributor,
        "PoolNotPendingOwner",
        [s.poolId, next.address],
      );
    });

    it("acceptPoolOwnership cancels the previous owner's withdrawal request (PoolWithdrawalCancelled)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const owner = wallets.broadcaster.account;
      const next = wallets.others[7]!.account;
      await distributor.write.requestWithdrawal([s.poolId, 400n], { account: owner });
      await distributor.write.transferPoolOwnership([s.poolId, next.address], { account: owner });
      const tx = distributor.write.acceptPoolOwnership([s.poolId], { account: next });
      await viem.assertions.emitWithArgs(tx, distributor, "PoolWithdrawalCancelled", [s.poolId]);
      const info = await poolInfo(s);
      assert.equal(info.withdrawalAmount, 0n);
      assert.equal(info.withdrawalAvailableAt, 0n);
      assert.equal(info.withdrawalExpiresAt, 0n);
      await s.networkHelpers.time.increase((await distributor.read.withdrawalNotice()) as bigint);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, next.address], { account: next }),
        distributor,
        "PoolNoWithdrawalRequested",
        [s.poolId],
      );
    });

    it("only the owner offers the pool (PoolUnauthorized), only the pending owner accepts (PoolNotPendingOwner), and a zero offer cancels", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const owner = wallets.broadcaster.account;
      const next = wallets.others[7]!.account;
      const stranger = wallets.others[8]!.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.transferPoolOwnership([s.poolId, stranger.address], { account: stranger }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, stranger.address],
      );
      await distributor.write.transferPoolOwnership([s.poolId, next.address], { account: owner });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.acceptPoolOwnership([s.poolId], { account: stranger }),
        distributor,
        "PoolNotPendingOwner",
        [s.poolId, stranger.address],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.transferPoolOwnership([s.poolId, zeroAddress], { account: owner }),
        distributor,
        "PoolOwnershipTransferStarted",
        [s.poolId, owner.address, zeroAddress],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.acceptPoolOwnership([s.poolId], { account: next }),
        distributor,
        "PoolNotPendingOwner",
        [s.poolId, next.address],
      );
      const unknown = toPoolId(token.address, 55n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.acceptPoolOwnership([unknown], { account: next }),
        distributor,
        "PoolNotFound",
        [unknown],
      );
      assert.equal((await poolInfo(s)).owner.toLowerCase(), owner.address.toLowerCase());
    });
  });
});
