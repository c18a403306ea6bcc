import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, maxUint256, toEventSelector, toHex } from "viem";
import { TEST_CONFIG } from "./fixture.ts";
import {
  type AggregatorInfo,
  type ChallengeInfo,
  ChallengeStatus,
  closesAt,
  expectEvent,
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

const SHARE = (TEST_CONFIG.aggregatorBond * TEST_CONFIG.challengerShareBps) / 10_000n;

async function systemState(s: Scenario): Promise<SystemState> {
  return (await s.distributor.read.systemState()) as SystemState;
}
async function challengeInfo(s: Scenario, id: bigint): Promise<ChallengeInfo> {
  return (await s.distributor.read.challengeInfo([id])) as ChallengeInfo;
}
async function poolInfo(s: Scenario): Promise<PoolInfo> {
  return (await s.distributor.read.poolInfo([s.poolId])) as PoolInfo;
}
async function creditOf(s: Scenario, account: { account: { address: `0x${string}` } }): Promise<bigint> {
  return (await s.distributor.read.creditOf([account.account.address])) as bigint;
}

/** Epoch 0 pays A 100 and B 200; epoch 1 pays A 50 more. Both pending. */
async function twoPendingEpochs(s: Scenario) {
  const a = s.wallets.others[1]!.account.address;
  const b = s.wallets.others[2]!.account.address;
  const e0 = await postEpoch(s, 0n, [leaf(a, s.poolId, 100n), leaf(b, s.poolId, 200n)]);
  const e1 = await postEpoch(s, 1n, [leaf(a, s.poolId, 150n, 50n), leaf(b, s.poolId, 200n, 0n)]);
  return { a, b, e0, e1 };
}

describe("RewardDistributor challenges", () => {
  describe("challenge", () => {
    it("opens a challenge on a pending epoch, blocks it, and emits ChallengeOpened", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const evidenceHash = keccak256(toHex("evidence"));
      const openedAt = (await now(s)) + 3n;
      await s.networkHelpers.time.setNextBlockTimestamp(openedAt);
      await viem.assertions.emitWithArgs(
        distributor.write.challenge([1n, evidenceHash, "ipfs://evidence"], {
          account: wallets.challenger.account,
          value: TEST_CONFIG.challengerBond,
        }),
        distributor,
        "ChallengeOpened",
        [1n, 1n, wallets.challenger.account.address, TEST_CONFIG.challengerBond, evidenceHash, "ipfs://evidence"],
      );
      const info = await challengeInfo(s, 1n);
      assert.equal(info.challenger.toLowerCase(), wallets.challenger.account.address.toLowerCase());
      assert.deepEqual(
        {
          epoch: info.epoch,
          openedAt: info.openedAt,
          status: info.status,
          bond: info.bond,
          evidenceHash: info.evidenceHash,
        },
        {
          epoch: 1,
          openedAt: Number(openedAt),
          status: ChallengeStatus.Open,
          bond: TEST_CONFIG.challengerBond,
          evidenceHash,
        },
      );
      const state = await systemState(s);
      assert.equal(state.openChallenges, 1n);
      assert.equal(state.blockedFrom, 1n);
      assert.equal(state.challengeCount, 1n);
      assert.equal(((await distributor.read.epochInfo([1n])) as { openChallengeId: bigint }).openChallengeId, 1n);
      // A second challenge on an earlier epoch lowers the block.
      await openChallenge(s, 0n, wallets.others[3]!);
      assert.equal((await systemState(s)).blockedFrom, 0n);
    });

    it("challenge takes exactly challengerBond and refuses any other value with ChallengeBondInvalid", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      for (const value of [0n, TEST_CONFIG.challengerBond - 1n, TEST_CONFIG.challengerBond + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.challenge([0n, keccak256("0x"), ""], { account: wallets.challenger.account, value }),
          distributor,
          "ChallengeBondInvalid",
          [value, TEST_CONFIG.challengerBond],
        );
      }
    });

    it("challenge only takes pending epochs: not an unposted one, nor one past its window (EpochNotPending)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const value = TEST_CONFIG.challengerBond;
      const account = wallets.challenger.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.challenge([2n, keccak256("0x"), ""], { account, value }),
        distributor,
        "EpochNotPending",
        [2n],
      );
      const { postedAt } = (await distributor.read.epochInfo([0n])) as { postedAt: bigint };
      await s.networkHelpers.time.setNextBlockTimestamp(postedAt + TEST_CONFIG.challengeWindow - 1n);
      await distributor.write.challenge([0n, keccak256("0x"), ""], { account, value }); // last pending second
      const info = (await distributor.read.epochInfo([1n])) as { postedAt: bigint };
      await s.networkHelpers.time.setNextBlockTimestamp(info.postedAt + TEST_CONFIG.challengeWindow);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.challenge([1n, keccak256("0x"), ""], { account, value }),
        distributor,
        "EpochNotPending",
        [1n],
      );
      await s.networkHelpers.mine(); // use up the timestamp set for the refused transaction
    });

    it("challenge refuses a second open challenge on the same epoch with ChallengeAlreadyOpen", async () => {
      const s = await loadScenario();
      await twoPendingEpochs(s);
      const first = await openChallenge(s, 0n);
      await s.viem.assertions.revertWithCustomErrorWithArgs(
        openChallenge(s, 0n, s.wallets.others[3]!),
        s.distributor,
        "ChallengeAlreadyOpen",
        [0n, first.id],
      );
    });

    it("an open challenge keeps its epoch and every later one from becoming claimable", async () => {
      const s = await loadScenario();
      const { distributor } = s;
      const { a } = await twoPendingEpochs(s);
      await openChallenge(s, 0n);
      await postEpoch(s, 2n, [leaf(a, s.poolId, 160n, 10n)]);
      await passWindow(s);
      await passWindow(s);
      for (const e of [0n, 1n, 2n]) assert.equal(await distributor.read.isClaimable([e]), false, `epoch ${e}`);
      assert.deepEqual(await distributor.read.latestClaimableEpoch(), [false, 0n]);
      await distributor.write.advanceClaimable([]);
      assert.equal((await systemState(s)).claimableEnd, 0n);
    });

    it("a challenge on a later epoch leaves the earlier ones to become claimable", async () => {
      const s = await loadScenario();
      const { distributor } = s;
      await twoPendingEpochs(s);
      await openChallenge(s, 1n);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      assert.deepEqual(await distributor.read.latestClaimableEpoch(), [true, 0n]);
    });
  });

  describe("upholdChallenge", () => {
    it("rejects the epoch and every later pending one, voids their challenges, releases allocations and slashes", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0, e1 } = await twoPendingEpochs(s);
      const upheld = await openChallenge(s, 0n);
      const voided = await openChallenge(s, 1n, wallets.others[3]!);
      assert.equal((await poolInfo(s)).owed, 350n);
      const tx = distributor.write.upholdChallenge([upheld.id, [e0.data, e1.data]], {
        account: wallets.arbiter.account,
      });
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [0n, upheld.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [1n, upheld.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeVoided", [voided.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "AggregatorSlashed", [
        wallets.aggregator.account.address,
        TEST_CONFIG.aggregatorBond,
        SHARE,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeUpheld", [
        upheld.id,
        wallets.arbiter.account.address,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.challenger.account.address,
        TEST_CONFIG.challengerBond + SHARE,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.treasury.account.address,
        TEST_CONFIG.aggregatorBond - SHARE,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.others[3]!.account.address,
        TEST_CONFIG.challengerBond,
      ]);

      assert.equal((await challengeInfo(s, upheld.id)).status, ChallengeStatus.Upheld);
      assert.equal((await challengeInfo(s, voided.id)).status, ChallengeStatus.Voided);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 0n);
      assert.equal(state.openChallenges, 0n);
      assert.equal(state.blockedFrom, maxUint256);
      const pool = await poolInfo(s);
      assert.equal(pool.owed, 0n);
      assert.equal(pool.unallocated, POOL_FUNDS);
      assert.deepEqual(
        (await distributor.read.aggregatorInfo([wallets.aggregator.account.address])) as AggregatorInfo,
        {
          bond: 0n,
          exitAvailableAt: 0n,
          exitAfterEpoch: 0n,
          active: false,
        },
      );
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond + SHARE);
      assert.equal(await creditOf(s, wallets.treasury), TEST_CONFIG.aggregatorBond - SHARE);
      assert.equal(await creditOf(s, wallets.others[3]!), TEST_CONFIG.challengerBond);
      assert.equal(((await distributor.read.epochInfo([0n])) as { posted: boolean }).posted, false);
      // The slashed aggregator cannot post until it bonds again.
      await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 0n, []), distributor, "AggregatorNotActive", [
        wallets.aggregator.account.address,
      ]);
    });

    it("upholding a challenge on a later epoch leaves an earlier open challenge blocking", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const { e1 } = await twoPendingEpochs(s);
      const early = await openChallenge(s, 0n);
      const late = await openChallenge(s, 1n, wallets.others[3]!);
      await distributor.write.upholdChallenge([late.id, [e1.data]], { account: wallets.arbiter.account });
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 1n);
      assert.equal(state.blockedFrom, 0n);
      assert.equal(state.openChallenges, 1n);
      assert.equal((await challengeInfo(s, early.id)).status, ChallengeStatus.Open);
      assert.equal((await poolInfo(s)).owed, 300n);
    });

    it("upholdChallenge is arbiter only (AccessControlUnauthorizedAccount)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      const withRoles = await viem.getContractAt("RewardDistributorExtension", distributor.address);
      const arbiterRole = (await withRoles.read.ARBITER_ROLE()) as `0x${string}`;
      for (const who of [wallets.guardian, wallets.admin, wallets.challenger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.upholdChallenge([challenge.id, [e0.data, e1.data]], { account: who.account }),
          withRoles,
          "AccessControlUnauthorizedAccount",
          [who.account.address, arbiterRole],
        );
      }
    });

    it("upholdChallenge and dismissChallenge refuse a challenge that is not open with ChallengeNotOpen", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0, e1 } = await twoPendingEpochs(s);
      const account = wallets.arbiter.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([7n, [e0.data, e1.data]], { account }),
        distributor,
        "ChallengeNotOpen",
        [7n],
      );
      const challenge = await openChallenge(s, 0n);
      await distributor.write.dismissChallenge([challenge.id], { account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [e0.data, e1.data]], { account }),
        distributor,
        "ChallengeNotOpen",
        [challenge.id],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.dismissChallenge([challenge.id], { account }),
        distributor,
        "ChallengeNotOpen",
        [challenge.id],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([challenge.id, [e0.data, e1.data]]),
        distributor,
        "ChallengeNotOpen",
        [challenge.id],
      );
    });

    it("rejection needs the EpochData of every epoch from the challenged one on (EpochDataCount, EpochDataMismatch)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      const account = wallets.arbiter.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [e0.data]], { account }),
        distributor,
        "EpochDataCount",
        [1n, 2n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [e0.data, e1.data, e1.data]], { account }),
        distributor,
        "EpochDataCount",
        [3n, 2n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [e1.data, e1.data]], { account }),
        distributor,
        "EpochDataMismatch",
        [0n],
      );
      // A lie about the totals would release more than was allocated: refused.
      const inflated = { ...e1.data, poolTotals: [{ poolId: s.poolId, amount: 10_000n }] };
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [e0.data, inflated]], { account }),
        distributor,
        "EpochDataMismatch",
        [1n],
      );
      const otherAggregator = { ...e0.data, aggregator: wallets.others[5]!.account.address };
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id, [otherAggregator, e1.data]], { account }),
        distributor,
        "EpochDataMismatch",
        [0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([challenge.id, [e0.data]]),
        distributor,
        "ChallengeNotExpired",
        [challenge.id, BigInt((await challengeInfo(s, challenge.id)).openedAt) + TEST_CONFIG.arbiterTimeout],
      );
    });

    it("a rejected epoch can be posted again (after re-bonding) and becomes claimable; the rejected root pays nothing", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.upholdChallenge([challenge.id, [e0.data, e1.data]], { account: wallets.arbiter.account });
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      const corrected = leaf(a, s.poolId, 90n);
      const repost = await postEpoch(s, 0n, [corrected, leaf(wallets.others[2]!.account.address, s.poolId, 210n)]);
      assert.equal((await poolInfo(s)).owed, 300n);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      const rejectedLeaf = leaf(a, s.poolId, 100n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([rejectedLeaf, e0.proof(rejectedLeaf)]),
        distributor,
        "ClaimInvalidProof",
        [s.poolId, a],
      );
      await expectEvent(s, distributor.write.claim([corrected, repost.proof(corrected)]), "Claimed", {
        account: a,
        poolId: s.poolId,
        amount: 90n,
      });
    });
  });

  describe("dismissChallenge", () => {
    it("forfeits the bond to the treasury, emits ChallengeDismissed, unblocks the epochs and restarts the window", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      const tx = distributor.write.dismissChallenge([challenge.id], { account: wallets.arbiter.account });
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeDismissed", [
        challenge.id,
        wallets.arbiter.account.address,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.treasury.account.address,
        TEST_CONFIG.challengerBond,
      ]);
      assert.equal((await challengeInfo(s, challenge.id)).status, ChallengeStatus.Dismissed);
      assert.equal(await creditOf(s, wallets.challenger), 0n);
      assert.equal(await creditOf(s, wallets.treasury), TEST_CONFIG.challengerBond);
      const state = await systemState(s);
      assert.equal(state.openChallenges, 0n);
      assert.equal(state.blockedFrom, maxUint256);
      assert.equal(state.nextEpoch, 2n);
      // Epoch 0's window started again at the dismissal; epoch 1, past its own window, waits for epoch 0.
      const dismissedAt = BigInt(await s.networkHelpers.time.latest());
      assert.equal(
        ((await distributor.read.epochInfo([0n])) as { claimableAt: bigint }).claimableAt,
        dismissedAt + TEST_CONFIG.challengeWindow,
      );
      assert.equal(await distributor.read.isClaimable([0n]), false);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([1n]), true);
      assert.equal((await poolInfo(s)).owed, 350n);
      // The aggregator keeps its bond.
      const agg = (await distributor.read.aggregatorInfo([wallets.aggregator.account.address])) as AggregatorInfo;
      assert.equal(agg.bond, TEST_CONFIG.aggregatorBond);
      // The treasury takes its credit out with withdrawBalance.
      await viem.assertions.emitWithArgs(
        distributor.write.withdrawBalance([], { account: wallets.treasury.account }),
        distributor,
        "BalanceWithdrawn",
        [wallets.treasury.account.address, TEST_CONFIG.challengerBond],
      );
    });

    it("dismissing the lowest of two open challenges moves the block to the next one", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      const first = await openChallenge(s, 0n);
      await openChallenge(s, 1n, wallets.others[3]!);
      await distributor.write.dismissChallenge([first.id], { account: wallets.arbiter.account });
      const state = await systemState(s);
      assert.equal(state.blockedFrom, 1n);
      assert.equal(state.openChallenges, 1n);
      await passWindow(s);
      assert.deepEqual(await distributor.read.latestClaimableEpoch(), [true, 0n]);
    });

    // A squatter's challenge holds the epoch's only slot; dismissing it restarts the window, so honest watchers
    // get a full window again however late the arbiter acts.
    it("while a challenge is open no other can be opened on that epoch; after a late dismissal it can be challenged again", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const squat = await openChallenge(s, 0n, wallets.others[3]!);
      await viem.assertions.revertWithCustomErrorWithArgs(openChallenge(s, 0n), distributor, "ChallengeAlreadyOpen", [
        0n,
        squat.id,
      ]);
      await passWindow(s);
      await distributor.write.dismissChallenge([squat.id], { account: wallets.arbiter.account });
      assert.equal(await distributor.read.isClaimable([0n]), false);
      const honest = await openChallenge(s, 0n);
      assert.equal((await challengeInfo(s, honest.id)).status, ChallengeStatus.Open);
      await distributor.write.dismissChallenge([honest.id], { account: wallets.arbiter.account });
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(openChallenge(s, 0n), distributor, "EpochNotPending", [0n]);
    });

    it("dismissChallenge is arbiter only (AccessControlUnauthorizedAccount)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      const withRoles = await viem.getContractAt("RewardDistributorExtension", distributor.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.dismissChallenge([challenge.id], { account: wallets.guardian.account }),
        withRoles,
        "AccessControlUnauthorizedAccount",
        [wallets.guardian.account.address, (await withRoles.read.ARBITER_ROLE()) as `0x${string}`],
      );
    });
  });

  describe("resolveExpiredChallenge", () => {
    it("after arbiterTimeout anyone rejects the epochs without slashing, refunds the challenger and voids later challenges", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0, e1 } = await twoPendingEpochs(s);
      const expired = await openChallenge(s, 0n);
      const voided = await openChallenge(s, 1n, wallets.others[3]!);
      const deadline = BigInt((await challengeInfo(s, expired.id)).openedAt) + TEST_CONFIG.arbiterTimeout;
      await s.networkHelpers.time.setNextBlockTimestamp(deadline - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([expired.id, [e0.data, e1.data]], {
          account: wallets.others[6]!.account,
        }),
        distributor,
        "ChallengeNotExpired",
        [expired.id, deadline],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(deadline);
      const tx = distributor.write.resolveExpiredChallenge([expired.id, [e0.data, e1.data]], {
        account: wallets.others[6]!.account,
      });
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeExpired", [expired.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [0n, expired.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [1n, expired.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeVoided", [voided.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.challenger.account.address,
        TEST_CONFIG.challengerBond,
      ]);
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash: await tx });
      const slashTopic = toEventSelector("AggregatorSlashed(address,uint256,uint256)");
      assert.equal(receipt.logs.filter((l) => l.topics[0] === slashTopic).length, 0, "nobody is slashed");

      assert.equal((await challengeInfo(s, expired.id)).status, ChallengeStatus.Expired);
      assert.equal((await challengeInfo(s, voided.id)).status, ChallengeStatus.Voided);
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond);
      assert.equal(await creditOf(s, wallets.others[3]!), TEST_CONFIG.challengerBond);
      assert.equal(await creditOf(s, wallets.treasury), 0n);
      const agg = (await distributor.read.aggregatorInfo([wallets.aggregator.account.address])) as AggregatorInfo;
      assert.equal(agg.bond, TEST_CONFIG.aggregatorBond);
      assert.equal(agg.active, true);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 0n);
      assert.equal(state.openChallenges, 0n);
      assert.equal(state.blockedFrom, maxUint256);
      assert.equal((await poolInfo(s)).unallocated, POOL_FUNDS);
      // The same aggregator posts the epoch again right away.
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 1n)]);
      assert.equal((await systemState(s)).nextEpoch, 1n);
    });
  });

  it("a rejection after a claimable root overpaid releases only what is still owed", async () => {
    const s = await loadScenario();
    const { distributor, wallets } = s;
    const a = wallets.others[1]!.account.address;
    // Epoch 0 allocates 100 but its (unchallenged) root owes A 300; epoch 1 allocates 250 more.
    const greedy = leaf(a, s.poolId, 300n);
    const e0 = await postEpoch(s, 0n, [greedy], { poolTotals: [{ poolId: s.poolId, amount: 100n }] });
    await passWindow(s);
    await timeTo(s, await closesAt(s, 1n));
    const e1 = await postEpoch(s, 1n, [leaf(a, s.poolId, 550n, 250n)]);
    await distributor.write.claim([greedy, e0.proof(greedy)]);
    assert.equal((await poolInfo(s)).owed, 50n);
    const challenge = await openChallenge(s, 1n);
    await distributor.write.upholdChallenge([challenge.id, [e1.data]], { account: wallets.arbiter.account });
    const pool = await poolInfo(s);
    assert.equal(pool.owed, 0n);
    assert.equal(pool.unallocated, POOL_FUNDS - 350n + 50n);
  });
});
