import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, maxUint256, toEventSelector, toHex, zeroHash } from "viem";
import { epochDataHash, TEST_CONFIG } from "./fixture.ts";
import {
  type AggregatorInfo,
  BUNDLE_URI,
  type ChallengeInfo,
  ChallengeStatus,
  closesAt,
  type EpochInfo,
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

const EPOCH_REJECTED = toEventSelector("EpochRejected(uint256,uint256,uint256)");
const SHARE = (TEST_CONFIG.aggregatorBond * TEST_CONFIG.challengerShareBps) / 10_000n;

async function systemState(s: Scenario): Promise<SystemState> {
  return (await s.distributor.read.systemState()) as SystemState;
}
async function challengeInfo(s: Scenario, id: bigint): Promise<ChallengeInfo> {
  return (await s.distributor.read.challengeInfo([id])) as ChallengeInfo;
}
async function epochInfo(s: Scenario, epoch: bigint): Promise<EpochInfo> {
  return (await s.distributor.read.epochInfo([epoch])) as EpochInfo;
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
    it("opens a challenge on the current post of a pending epoch, blocks it, and emits ChallengeOpened with the post", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const evidenceHash = keccak256(toHex("evidence"));
      const openedAt = (await now(s)) + 3n;
      await s.networkHelpers.time.setNextBlockTimestamp(openedAt);
      // Epoch 1's post is the second post ever made (postSeq 2).
      await viem.assertions.emitWithArgs(
        distributor.write.challenge([1n, evidenceHash, "ipfs://evidence"], {
          account: wallets.challenger.account,
          value: TEST_CONFIG.challengerBond,
        }),
        distributor,
        "ChallengeOpened",
        [1n, 1n, wallets.challenger.account.address, TEST_CONFIG.challengerBond, evidenceHash, "ipfs://evidence", 2n],
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
          postSeq: info.postSeq,
        },
        {
          epoch: 1,
          openedAt: Number(openedAt),
          status: ChallengeStatus.Open,
          bond: TEST_CONFIG.challengerBond,
          evidenceHash,
          postSeq: 2,
        },
      );
      const state = await systemState(s);
      assert.equal(state.openChallenges, 1n);
      assert.equal(state.blockedFrom, 1n);
      assert.equal(state.challengeCount, 1n);
      const epoch1 = await epochInfo(s, 1n);
      assert.equal(epoch1.openChallenges, 1n);
      assert.equal(epoch1.postSeq, 2n);
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

    it("several challenges may be open on one post; the epoch stays blocked until the last of them is resolved", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      const first = await openChallenge(s, 0n);
      const second = await openChallenge(s, 0n, wallets.others[3]!);
      assert.equal(second.id, first.id + 1n);
      assert.equal((await epochInfo(s, 0n)).openChallenges, 2n);
      let state = await systemState(s);
      assert.equal(state.openChallenges, 2n);
      assert.equal(state.blockedFrom, 0n);
      await passWindow(s);
      await distributor.write.dismissChallenge([first.id], { account: wallets.arbiter.account });
      assert.equal((await epochInfo(s, 0n)).openChallenges, 1n);
      assert.equal((await systemState(s)).blockedFrom, 0n);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      await distributor.write.dismissChallenge([second.id], { account: wallets.arbiter.account });
      state = await systemState(s);
      assert.equal(state.openChallenges, 0n);
      assert.equal(state.blockedFrom, maxUint256);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.equal(await distributor.read.isClaimable([1n]), true);
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
    it("rejects the epoch and every later one at once: allocations stay owed, repostEnd covers them, the aggregator is slashed", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { e0 } = await twoPendingEpochs(s);
      const upheld = await openChallenge(s, 0n);
      const other = await openChallenge(s, 1n, wallets.others[3]!);
      assert.equal((await poolInfo(s)).owed, 350n);
      const tx = distributor.write.upholdChallenge([upheld.id], { account: wallets.arbiter.account });
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [0n, upheld.id, 2n]);
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
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash: await tx });
      assert.equal(receipt.logs.filter((l) => l.topics[0] === EPOCH_REJECTED).length, 1, "one event for both epochs");

      assert.equal((await challengeInfo(s, upheld.id)).status, ChallengeStatus.Upheld);
      // The challenge on epoch 1's rejected post is void but still open until someone closes it.
      assert.equal((await challengeInfo(s, other.id)).status, ChallengeStatus.Open);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 0n);
      assert.equal(state.repostEnd, 2n);
      assert.equal(state.openChallenges, 1n);
      assert.equal(state.blockedFrom, maxUint256);
      // Nothing relays earned goes back to withdrawable funds before the re-posts.
      const pool = await poolInfo(s);
      assert.equal(pool.owed, 350n);
      assert.equal(pool.unallocated, POOL_FUNDS - 350n);
      assert.deepEqual(
        (await distributor.read.aggregatorInfo([wallets.aggregator.account.address])) as AggregatorInfo,
        { bond: 0n, exitAvailableAt: 0n, exitAfterEpoch: 0n, active: false },
      );
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond + SHARE);
      assert.equal(await creditOf(s, wallets.treasury), TEST_CONFIG.aggregatorBond - SHARE);
      assert.equal((await epochInfo(s, 0n)).posted, false);
      // The slashed aggregator cannot post again until it bonds again.
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 0n, [], { replaced: e0.data }),
        distributor,
        "AggregatorNotActive",
        [wallets.aggregator.account.address],
      );
    });

    it("a challenge on a rejected post is void: uphold and dismiss refuse it (ChallengeVoid), anyone closes it for a refund", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const upheld = await openChallenge(s, 0n);
      const sameEpoch = await openChallenge(s, 0n, wallets.others[3]!);
      const laterEpoch = await openChallenge(s, 1n, wallets.others[4]!);
      const arbiter = wallets.arbiter.account;
      await distributor.write.upholdChallenge([upheld.id], { account: arbiter });
      for (const c of [sameEpoch, laterEpoch]) {
        for (const write of [distributor.write.upholdChallenge, distributor.write.dismissChallenge]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            write([c.id], { account: arbiter }),
            distributor,
            "ChallengeVoid",
            [c.id],
          );
        }
      }
      // No need to wait for the arbiter's deadline: a void challenge is closed at once, bond refunded, no share.
      const tx = distributor.write.resolveExpiredChallenge([sameEpoch.id], { account: wallets.others[6]!.account });
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeVoided", [sameEpoch.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.others[3]!.account.address,
        TEST_CONFIG.challengerBond,
      ]);
      await distributor.write.resolveExpiredChallenge([laterEpoch.id]);
      assert.equal((await challengeInfo(s, sameEpoch.id)).status, ChallengeStatus.Voided);
      assert.equal((await challengeInfo(s, laterEpoch.id)).status, ChallengeStatus.Voided);
      assert.equal(await creditOf(s, wallets.others[3]!), TEST_CONFIG.challengerBond);
      assert.equal(await creditOf(s, wallets.others[4]!), TEST_CONFIG.challengerBond);
      assert.equal((await systemState(s)).openChallenges, 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([sameEpoch.id]),
        distributor,
        "ChallengeNotOpen",
        [sameEpoch.id],
      );
    });

    it("a challenge on a post that was since re-posted is void: it disputes the old post, not the new one", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, e0 } = await twoPendingEpochs(s);
      const upheld = await openChallenge(s, 0n);
      const stale = await openChallenge(s, 0n, wallets.others[3]!);
      await distributor.write.upholdChallenge([upheld.id], { account: wallets.arbiter.account });
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      await postEpoch(s, 0n, [leaf(a, s.poolId, 90n)], { replaced: e0.data });
      // Epoch 0 is posted again (third post); the stale challenge named the first post.
      assert.equal((await epochInfo(s, 0n)).postSeq, 3n);
      assert.equal((await challengeInfo(s, stale.id)).postSeq, 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([stale.id], { account: wallets.arbiter.account }),
        distributor,
        "ChallengeVoid",
        [stale.id],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.resolveExpiredChallenge([stale.id]),
        distributor,
        "ChallengeVoided",
        [stale.id],
      );
      // The new post carries no challenge and becomes claimable after its own window.
      assert.equal((await epochInfo(s, 0n)).openChallenges, 0n);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([0n]), true);
    });

    it("a squatter's challenge does not lock out the honest one: the honest challenge is upheld and rewarded, the squatter only gets its bond back", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      // The aggregator's own second account challenges first...
      const squatter = wallets.others[3]!;
      const squat = await openChallenge(s, 0n, squatter);
      // ...and the honest watcher can still challenge the same post.
      const honest = await openChallenge(s, 0n);
      assert.equal((await challengeInfo(s, honest.id)).status, ChallengeStatus.Open);
      await distributor.write.upholdChallenge([honest.id], { account: wallets.arbiter.account });
      await distributor.write.resolveExpiredChallenge([squat.id]);
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond + SHARE);
      assert.equal(await creditOf(s, squatter), TEST_CONFIG.challengerBond);
      assert.equal(await creditOf(s, wallets.treasury), TEST_CONFIG.aggregatorBond - SHARE);
    });

    it("upholding a challenge on a later epoch leaves an earlier open challenge blocking", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      const early = await openChallenge(s, 0n);
      const late = await openChallenge(s, 1n, wallets.others[3]!);
      await distributor.write.upholdChallenge([late.id], { account: wallets.arbiter.account });
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 1n);
      assert.equal(state.repostEnd, 2n);
      assert.equal(state.blockedFrom, 0n);
      assert.equal(state.openChallenges, 1n);
      assert.equal((await challengeInfo(s, early.id)).status, ChallengeStatus.Open);
      // Epoch 1's allocation stays reserved until its re-post.
      assert.equal((await poolInfo(s)).owed, 350n);
    });

    it("upholdChallenge is arbiter only (AccessControlUnauthorizedAccount)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      const withRoles = await viem.getContractAt("RewardDistributorExtension", distributor.address);
      const arbiterRole = (await withRoles.read.ARBITER_ROLE()) as `0x${string}`;
      for (const who of [wallets.guardian, wallets.admin, wallets.challenger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.upholdChallenge([challenge.id], { account: who.account }),
          withRoles,
          "AccessControlUnauthorizedAccount",
          [who.account.address, arbiterRole],
        );
      }
    });

    it("upholdChallenge, dismissChallenge and resolveExpiredChallenge refuse a challenge that is not open with ChallengeNotOpen", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const account = wallets.arbiter.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([7n], { account }),
        distributor,
        "ChallengeNotOpen",
        [7n],
      );
      const challenge = await openChallenge(s, 0n);
      await distributor.write.dismissChallenge([challenge.id], { account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([challenge.id], { account }),
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
        distributor.write.resolveExpiredChallenge([challenge.id]),
        distributor,
        "ChallengeNotOpen",
        [challenge.id],
      );
    });
  });

  describe("repostEpoch", () => {
    it("a rejected epoch must be posted again with repostEpoch (EpochRepostRequired), and an epoch not rejected must not (EpochNotRejected)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      for (const epoch of [0n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          postEpoch(s, epoch, [leaf(a, s.poolId, 90n)]),
          distributor,
          "EpochRepostRequired",
          [epoch],
        );
      }
      await postEpoch(s, 0n, [leaf(a, s.poolId, 90n)], { replaced: e0.data });
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 1n, [leaf(a, s.poolId, 140n, 50n)]),
        distributor,
        "EpochRepostRequired",
        [1n],
      );
      await postEpoch(s, 1n, [leaf(a, s.poolId, 140n, 50n)], { replaced: e1.data });
      assert.equal((await systemState(s)).nextEpoch, 2n);
      // Past repostEnd, posting is back to postEpoch.
      await viem.assertions.revertWithCustomErrorWithArgs(
        postEpoch(s, 2n, [], { replaced: e1.data }),
        distributor,
        "EpochNotRejected",
        [2n],
      );
      await postEpoch(s, 2n, []);
      assert.equal((await systemState(s)).nextEpoch, 3n);
    });

    it("repostEpoch takes back only the rejected post's exact EpochData (EpochDataMismatch)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      const wrong = [
        e1.data, // another epoch's data
        { ...e0.data, poolTotals: [{ poolId: s.poolId, amount: 10_000n }] }, // would release more than allocated
        { ...e0.data, poolTotals: [] },
        { ...e0.data, aggregator: wallets.others[5]!.account.address },
        { ...e0.data, bundleHash: keccak256(toHex("another bundle")) },
      ];
      for (const replaced of wrong) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          postEpoch(s, 0n, [leaf(a, s.poolId, 90n)], { replaced }),
          distributor,
          "EpochDataMismatch",
          [0n],
        );
      }
      await postEpoch(s, 0n, [leaf(a, s.poolId, 90n)], { replaced: e0.data });
    });

    it("repostEpoch releases the rejected post's allocations (EpochReplaced), allocates the new totals, and only the new root pays", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, b, e0, e1 } = await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      const corrected = leaf(a, s.poolId, 90n);
      const repost = await postEpoch(s, 0n, [corrected, leaf(b, s.poolId, 210n)], { replaced: e0.data });
      const e0Hash = epochDataHash(e0.data.aggregator, e0.bundleHash, e0.poolTotals);
      await viem.assertions.emitWithArgs(Promise.resolve(repost.hash), distributor, "EpochReplaced", [
        0n,
        e0Hash,
        [{ poolId: s.poolId, amount: 300n }],
      ]);
      await viem.assertions.emitWithArgs(Promise.resolve(repost.hash), distributor, "EpochPosted", [
        0n,
        wallets.aggregator.account.address,
        repost.root,
        repost.bundleHash,
        BUNDLE_URI,
        [{ poolId: s.poolId, amount: 300n }],
        epochDataHash(wallets.aggregator.account.address, repost.bundleHash, repost.poolTotals),
      ]);
      // 300 released and 300 allocated again; epoch 1's 50 still reserved.
      assert.equal((await poolInfo(s)).owed, 350n);
      const again = await postEpoch(s, 1n, [leaf(a, s.poolId, 100n, 10n)], { replaced: e1.data });
      await viem.assertions.emitWithArgs(Promise.resolve(again.hash), distributor, "EpochReplaced", [
        1n,
        epochDataHash(e1.data.aggregator, e1.bundleHash, e1.poolTotals),
        [{ poolId: s.poolId, amount: 50n }],
      ]);
      const pool = await poolInfo(s);
      assert.equal(pool.owed, 310n);
      assert.equal(pool.unallocated, POOL_FUNDS - 310n);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 2n);
      assert.equal(state.repostEnd, 2n);
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

    it("re-posting an epoch after a claimable root overpaid releases only what is still owed", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
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
      await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
      assert.equal((await poolInfo(s)).owed, 50n); // reserved until the re-post
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      const repost = await postEpoch(s, 1n, [leaf(a, s.poolId, 300n, 0n)], { replaced: e1.data });
      await viem.assertions.emitWithArgs(Promise.resolve(repost.hash), distributor, "EpochReplaced", [
        1n,
        epochDataHash(e1.data.aggregator, e1.bundleHash, e1.poolTotals),
        [{ poolId: s.poolId, amount: 50n }],
      ]);
      const pool = await poolInfo(s);
      assert.equal(pool.owed, 0n);
      assert.equal(pool.unallocated, POOL_FUNDS - 300n);
    });
  });

  describe("dismissChallenge", () => {
    it("forfeits the bond to the treasury and emits ChallengeDismissed with the unchanged claimableAt: the window is not restarted", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const challenge = await openChallenge(s, 0n);
      await passWindow(s);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      const { postedAt } = await epochInfo(s, 0n);
      const tx = distributor.write.dismissChallenge([challenge.id], { account: wallets.arbiter.account });
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeDismissed", [
        challenge.id,
        wallets.arbiter.account.address,
        postedAt + TEST_CONFIG.challengeWindow,
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
      // Both windows have run: both epochs are claimable at once, and no new challenge can be opened.
      assert.equal((await epochInfo(s, 0n)).claimableAt, postedAt + TEST_CONFIG.challengeWindow);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.equal(await distributor.read.isClaimable([1n]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(openChallenge(s, 0n), distributor, "EpochNotPending", [0n]);
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

    it("challenges opened at the last second of the window and dismissed delay the epoch by no more than the dismissal", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      const { postedAt, claimableAt } = await epochInfo(s, 0n);
      await s.networkHelpers.time.setNextBlockTimestamp(postedAt + TEST_CONFIG.challengeWindow - 1n);
      const griefer = await openChallenge(s, 0n, wallets.others[3]!);
      await distributor.write.dismissChallenge([griefer.id], { account: wallets.arbiter.account });
      // The dismissal came after the window's end: the epoch is claimable at once, and challenges are closed.
      assert.ok((await now(s)) >= claimableAt);
      assert.equal(await distributor.read.isClaimable([0n]), true);
      await s.viem.assertions.revertWithCustomErrorWithArgs(
        openChallenge(s, 0n, wallets.others[4]!),
        distributor,
        "EpochNotPending",
        [0n],
      );
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
    it("after arbiterTimeout anyone closes the challenge as expired: the bond is refunded, nobody is slashed or rewarded, the epoch stands", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      const expired = await openChallenge(s, 0n);
      const later = await openChallenge(s, 1n, wallets.others[3]!);
      const deadline = BigInt((await challengeInfo(s, expired.id)).openedAt) + TEST_CONFIG.arbiterTimeout;
      const anyone = wallets.others[6]!.account;
      await s.networkHelpers.time.setNextBlockTimestamp(deadline - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([expired.id], { account: anyone }),
        distributor,
        "ChallengeNotExpired",
        [expired.id, deadline],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(deadline);
      const tx = distributor.write.resolveExpiredChallenge([expired.id], { account: anyone });
      await viem.assertions.emitWithArgs(tx, distributor, "ChallengeExpired", [expired.id]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.challenger.account.address,
        TEST_CONFIG.challengerBond,
      ]);
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash: await tx });
      const slashTopic = toEventSelector("AggregatorSlashed(address,uint256,uint256)");
      assert.equal(receipt.logs.filter((l) => l.topics[0] === slashTopic).length, 0, "nobody is slashed");
      assert.equal(receipt.logs.filter((l) => l.topics[0] === EPOCH_REJECTED).length, 0, "nothing is rejected");

      assert.equal((await challengeInfo(s, expired.id)).status, ChallengeStatus.Expired);
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond);
      assert.equal(await creditOf(s, wallets.treasury), 0n);
      const agg = (await distributor.read.aggregatorInfo([wallets.aggregator.account.address])) as AggregatorInfo;
      assert.equal(agg.bond, TEST_CONFIG.aggregatorBond);
      assert.equal(agg.active, true);
      const state = await systemState(s);
      assert.equal(state.nextEpoch, 2n);
      assert.equal(state.repostEnd, 0n);
      assert.equal(state.openChallenges, 1n);
      assert.equal(state.blockedFrom, 1n);
      assert.equal((await poolInfo(s)).owed, 350n);
      // Epoch 0 is claimable now; epoch 1 waits for its own challenge, which expires the same way.
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      await distributor.write.resolveExpiredChallenge([later.id], { account: anyone });
      assert.equal(await distributor.read.isClaimable([1n]), true);
      assert.equal(await creditOf(s, wallets.others[3]!), TEST_CONFIG.challengerBond);
    });
  });

  describe("the longest delay", () => {
    it("a challenge at the last second of the window that the arbiter ignores holds the epoch up to postedAt + challengeWindow + arbiterTimeout, no longer", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await twoPendingEpochs(s);
      const { postedAt } = await epochInfo(s, 0n);
      await s.networkHelpers.time.setNextBlockTimestamp(postedAt + TEST_CONFIG.challengeWindow - 1n);
      const griefer = await openChallenge(s, 0n, wallets.others[3]!);
      const bound = postedAt + TEST_CONFIG.challengeWindow + TEST_CONFIG.arbiterTimeout;
      await s.networkHelpers.time.increaseTo(bound - 2n);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      // From the deadline, anyone lifts the block; the griefer gets its bond back and nothing more.
      await s.networkHelpers.time.setNextBlockTimestamp(bound - 1n);
      await distributor.write.resolveExpiredChallenge([griefer.id], { account: wallets.others[6]!.account });
      assert.equal(await distributor.read.isClaimable([0n]), true);
      assert.equal(await distributor.read.isClaimable([1n]), true);
      assert.equal(await creditOf(s, wallets.others[3]!), TEST_CONFIG.challengerBond);
    });

    it("a challenge may be opened while paused, and the paused time does not count against the arbiter", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoPendingEpochs(s);
      await distributor.write.pause([], { account: wallets.guardian.account });
      const clockAt = (await distributor.read.clock()) as bigint;
      const challenge = await openChallenge(s, 0n);
      // The clock stands still while paused: the challenge is stamped with the pause's start.
      assert.equal(BigInt((await challengeInfo(s, challenge.id)).openedAt), clockAt);
      await s.networkHelpers.time.increase(TEST_CONFIG.arbiterTimeout);
      await distributor.write.unpause([], { account: wallets.guardian.account });
      await viem.assertions.revertWithCustomError(
        distributor.write.resolveExpiredChallenge([challenge.id]),
        distributor,
        "ChallengeNotExpired",
      );
      await distributor.write.dismissChallenge([challenge.id], { account: wallets.arbiter.account });
    });

    it("upholding a challenge costs the same gas whether one or sixty epochs are pending after it", async () => {
      const s = await loadScenario();
      const { distributor, publicClient, wallets } = s;
      const a = wallets.others[1]!.account.address;
      const gasOfUphold = async () => {
        const challenge = await openChallenge(s, 0n);
        const hash = await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
        return (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
      };
      await timeTo(s, await closesAt(s, 60n));
      const snapshot = await s.networkHelpers.takeSnapshot();
      await postEpoch(s, 0n, [leaf(a, s.poolId, 1n)], { keepTime: true });
      const few = await gasOfUphold();
      await snapshot.restore();
      await postEpoch(s, 0n, [leaf(a, s.poolId, 1n)], { keepTime: true });
      for (let e = 1n; e < 61n; e++) await postEpoch(s, e, [leaf(a, s.poolId, e + 1n, 1n)], { keepTime: true });
      const many = await gasOfUphold();
      assert.equal((await systemState(s)).repostEnd, 61n);
      assert.ok(many <= few + 100n, `uphold over 61 pending epochs cost ${many} gas, over one ${few}`);
      assert.ok(many < 150_000n, `uphold cost ${many} gas`);
    });
  });

  describe("revokeEpoch", () => {
    /** Epochs 0 and 1 claimable and recorded (claim root epoch 1's). */
    async function twoClaimableEpochs(s: Scenario) {
      const a = s.wallets.others[1]!.account.address;
      const a0 = leaf(a, s.poolId, 100n);
      const e0 = await postEpoch(s, 0n, [a0]);
      const a1 = leaf(a, s.poolId, 150n, 50n);
      const e1 = await postEpoch(s, 1n, [a1]);
      await passWindow(s);
      await s.distributor.write.advanceClaimable([]);
      return { a, a0, a1, e0, e1 };
    }

    it("revokes a claimable epoch in its recovery period: it and later ones are rejected, the claim root goes back, the bond goes to the treasury", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, a0, a1, e0, e1 } = await twoClaimableEpochs(s);
      assert.equal((await systemState(s)).claimRoot, e1.root);
      const evidenceHash = keccak256(toHex("fraud proof"));
      const tx = distributor.write.revokeEpoch([1n, evidenceHash], { account: wallets.arbiter.account });
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRevoked", [
        1n,
        wallets.arbiter.account.address,
        evidenceHash,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [1n, 0n, 2n]);
      await viem.assertions.emitWithArgs(tx, distributor, "ClaimableEpochAdvanced", [1n, e0.root]);
      await viem.assertions.emitWithArgs(tx, distributor, "AggregatorSlashed", [
        wallets.aggregator.account.address,
        TEST_CONFIG.aggregatorBond,
        0n,
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
        wallets.treasury.account.address,
        TEST_CONFIG.aggregatorBond,
      ]);
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 1n);
      assert.equal(state.nextEpoch, 1n);
      assert.equal(state.repostEnd, 2n);
      assert.equal(state.claimRoot, e0.root);
      assert.equal(await distributor.read.isClaimable([1n]), false);
      // The revoked root pays nothing; epoch 0's still does; epoch 1's allocation stays owed until its re-post.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([a1, e1.proof(a1)]),
        distributor,
        "ClaimInvalidProof",
        [s.poolId, a],
      );
      await distributor.write.claim([a0, e0.proof(a0)]);
      assert.equal((await poolInfo(s)).owed, 50n);
      await distributor.write.registerAggregator([], {
        account: wallets.aggregator.account,
        value: TEST_CONFIG.aggregatorBond,
      });
      await postEpoch(s, 1n, [leaf(a, s.poolId, 120n, 20n)], { replaced: e1.data });
      assert.equal((await poolInfo(s)).owed, 20n);
    });

    it("revoking an epoch voids the challenges on the later pending epochs it rejects", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await twoClaimableEpochs(s);
      await postEpoch(s, 2n, [leaf(wallets.others[1]!.account.address, s.poolId, 160n, 10n)]);
      const pending = await openChallenge(s, 2n);
      const tx = distributor.write.revokeEpoch([1n, zeroHash], { account: wallets.arbiter.account });
      await viem.assertions.emitWithArgs(tx, distributor, "EpochRejected", [1n, 0n, 3n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.upholdChallenge([pending.id], { account: wallets.arbiter.account }),
        distributor,
        "ChallengeVoid",
        [pending.id],
      );
      await viem.assertions.emitWithArgs(
        distributor.write.resolveExpiredChallenge([pending.id]),
        distributor,
        "ChallengeVoided",
        [pending.id],
      );
      assert.equal(await creditOf(s, wallets.challenger), TEST_CONFIG.challengerBond);
      // Epoch 2's allocation stays reserved with epoch 1's until their re-posts.
      assert.equal((await poolInfo(s)).owed, 160n);
    });

    it("revoking epoch 0 leaves no claim root", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a0, e0 } = await twoClaimableEpochs(s);
      await viem.assertions.emitWithArgs(
        distributor.write.revokeEpoch([0n, zeroHash], { account: wallets.arbiter.account }),
        distributor,
        "ClaimableEpochAdvanced",
        [0n, zeroHash],
      );
      const state = await systemState(s);
      assert.equal(state.claimableEnd, 0n);
      assert.equal(state.nextEpoch, 0n);
      assert.equal(state.claimRoot, zeroHash);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([a0, e0.proof(a0)]),
        distributor,
        "ClaimInvalidProof",
        [s.poolId, a0.account],
      );
    });

    it("revokeEpoch refuses a pending epoch (EpochNotFinal), one past postedAt + 2 challengeWindow + arbiterTimeout (EpochRecoveryClosed), and anyone but the arbiter", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const arbiter = wallets.arbiter.account;
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 100n)]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeEpoch([0n, zeroHash], { account: arbiter }),
        distributor,
        "EpochNotFinal",
        [0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeEpoch([1n, zeroHash], { account: arbiter }),
        distributor,
        "EpochNotFinal",
        [1n],
      );
      await passWindow(s);
      const withRoles = await viem.getContractAt("RewardDistributorExtension", distributor.address);
      for (const who of [wallets.guardian, wallets.admin]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.revokeEpoch([0n, zeroHash], { account: who.account }),
          withRoles,
          "AccessControlUnauthorizedAccount",
          [who.account.address, (await withRoles.read.ARBITER_ROLE()) as `0x${string}`],
        );
      }
      const { postedAt } = await epochInfo(s, 0n);
      const endsAt = postedAt + 2n * TEST_CONFIG.challengeWindow + TEST_CONFIG.arbiterTimeout;
      const snapshot = await s.networkHelpers.takeSnapshot();
      await s.networkHelpers.time.setNextBlockTimestamp(endsAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeEpoch([0n, zeroHash], { account: arbiter }),
        distributor,
        "EpochRecoveryClosed",
        [0n, endsAt],
      );
      await snapshot.restore();
      await s.networkHelpers.time.setNextBlockTimestamp(endsAt - 1n);
      await viem.assertions.emit(
        distributor.write.revokeEpoch([0n, zeroHash], { account: arbiter }),
        distributor,
        "EpochRevoked",
      );
    });
  });
});
