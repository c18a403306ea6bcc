import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zeroHash } from "viem";
import { TEST_CONFIG } from "./fixture.ts";
import { type AggregatorInfo, leaf, loadScenario, now, openChallenge, postEpoch, type Scenario } from "./scenario.ts";

async function aggregatorInfo(s: Scenario, account = s.wallets.aggregator.account.address): Promise<AggregatorInfo> {
  return (await s.distributor.read.aggregatorInfo([account])) as AggregatorInfo;
}

describe("RewardDistributor aggregators", () => {
  it("registerAggregator takes the bond and emits AggregatorRegistered", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const newcomer = wallets.others[4]!;
    await viem.assertions.emitWithArgs(
      distributor.write.registerAggregator([], { account: newcomer.account, value: TEST_CONFIG.aggregatorBond }),
      distributor,
      "AggregatorRegistered",
      [newcomer.account.address, TEST_CONFIG.aggregatorBond],
    );
    assert.deepEqual(await aggregatorInfo(s, newcomer.account.address), {
      bond: TEST_CONFIG.aggregatorBond,
      exitAvailableAt: 0n,
      exitAfterEpoch: 0n,
      active: true,
    });
    assert.equal(await s.publicClient.getBalance({ address: distributor.address }), 2n * TEST_CONFIG.aggregatorBond);
  });

  it("registerAggregator refuses a bond below the minimum with AggregatorBondTooLow", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const newcomer = wallets.others[4]!;
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.registerAggregator([], { account: newcomer.account, value: TEST_CONFIG.aggregatorBond - 1n }),
      distributor,
      "AggregatorBondTooLow",
      [TEST_CONFIG.aggregatorBond - 1n, TEST_CONFIG.aggregatorBond],
    );
    assert.equal((await aggregatorInfo(s, newcomer.account.address)).active, false);
    // An unregistered account cannot post.
    await viem.assertions.revertWithCustomErrorWithArgs(
      postEpoch(s, 0n, [], { aggregator: newcomer }),
      distributor,
      "AggregatorNotActive",
      [newcomer.account.address],
    );
  });

  it("registerAggregator tops up an existing bond and reports the total", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    await viem.assertions.emitWithArgs(
      distributor.write.registerAggregator([], { account: wallets.aggregator.account, value: 3n }),
      distributor,
      "AggregatorRegistered",
      [wallets.aggregator.account.address, TEST_CONFIG.aggregatorBond + 3n],
    );
    assert.equal((await aggregatorInfo(s)).bond, TEST_CONFIG.aggregatorBond + 3n);
  });

  it("requestAggregatorExit emits AggregatorExitRequested with a notice covering its epochs' recovery period and stops the aggregator posting", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const account = wallets.aggregator.account;
    await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 10n)]);
    const at = (await now(s)) + 5n;
    await s.networkHelpers.time.setNextBlockTimestamp(at);
    await viem.assertions.emitWithArgs(
      distributor.write.requestAggregatorExit([], { account }),
      distributor,
      "AggregatorExitRequested",
      [account.address, at + 2n * TEST_CONFIG.challengeWindow + TEST_CONFIG.arbiterTimeout],
    );
    assert.deepEqual(await aggregatorInfo(s), {
      bond: TEST_CONFIG.aggregatorBond,
      exitAvailableAt: at + 2n * TEST_CONFIG.challengeWindow + TEST_CONFIG.arbiterTimeout,
      exitAfterEpoch: 1n,
      active: true,
    });
    await viem.assertions.revertWithCustomErrorWithArgs(postEpoch(s, 1n, []), distributor, "AggregatorNotActive", [
      account.address,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.requestAggregatorExit([], { account }),
      distributor,
      "AggregatorExiting",
      [account.address],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.registerAggregator([], { account, value: TEST_CONFIG.aggregatorBond }),
      distributor,
      "AggregatorExiting",
      [account.address],
    );
  });

  it("requestAggregatorExit refuses an account that is not registered with AggregatorNotActive", async () => {
    const { distributor, viem, wallets } = await loadScenario();
    const stranger = wallets.others[4]!.account;
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.requestAggregatorExit([], { account: stranger }),
      distributor,
      "AggregatorNotActive",
      [stranger.address],
    );
  });

  it("exitAggregator without notice reverts with AggregatorNotExiting", async () => {
    const { distributor, viem, wallets } = await loadScenario();
    const account = wallets.aggregator.account;
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.exitAggregator([], { account }),
      distributor,
      "AggregatorNotExiting",
      [account.address],
    );
  });

  it("exitAggregator waits for the notice (AggregatorExitNotReady), then credits the bond and emits AggregatorExited", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const account = wallets.aggregator.account;
    await distributor.write.requestAggregatorExit([], { account });
    const { exitAvailableAt } = await aggregatorInfo(s);
    await s.networkHelpers.time.setNextBlockTimestamp(exitAvailableAt - 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.exitAggregator([], { account }),
      distributor,
      "AggregatorExitNotReady",
      [account.address, exitAvailableAt, 0n],
    );
    await s.networkHelpers.time.setNextBlockTimestamp(exitAvailableAt);
    const tx = distributor.write.exitAggregator([], { account });
    await viem.assertions.emitWithArgs(tx, distributor, "AggregatorExited", [
      account.address,
      TEST_CONFIG.aggregatorBond,
    ]);
    await viem.assertions.emitWithArgs(tx, distributor, "BalanceCredited", [
      account.address,
      TEST_CONFIG.aggregatorBond,
    ]);
    assert.equal(await distributor.read.creditOf([account.address]), TEST_CONFIG.aggregatorBond);
    assert.deepEqual(await aggregatorInfo(s), { bond: 0n, exitAvailableAt: 0n, exitAfterEpoch: 0n, active: false });
    // The bond comes out through withdrawBalance.
    await viem.assertions.balancesHaveChanged(distributor.write.withdrawBalance([], { account }), [
      { address: account.address, amount: TEST_CONFIG.aggregatorBond },
      { address: distributor.address, amount: -TEST_CONFIG.aggregatorBond },
    ]);
    // Having left, it may register again.
    await distributor.write.registerAggregator([], { account, value: TEST_CONFIG.aggregatorBond });
    assert.equal((await aggregatorInfo(s)).active, true);
  });

  it("exitAggregator is refused while an epoch the aggregator posted is under challenge, and allowed as soon as a dismissal settles it", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const account = wallets.aggregator.account;
    await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 10n)]);
    const challenge = await openChallenge(s, 0n);
    await distributor.write.requestAggregatorExit([], { account });
    const { exitAvailableAt } = await aggregatorInfo(s);
    await s.networkHelpers.time.increaseTo(exitAvailableAt + 1n);
    // The notice has run, but epoch 0 (posted before it) is still pending: the aggregator is still answerable.
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.exitAggregator([], { account }),
      distributor,
      "AggregatorExitNotReady",
      [account.address, exitAvailableAt, 1n],
    );
    // A dismissal does not restart epoch 0's window, which has run: the epoch is claimable and the exit goes through.
    await distributor.write.dismissChallenge([challenge.id], { account: wallets.arbiter.account });
    assert.equal(await distributor.read.isClaimable([0n]), true);
    await viem.assertions.emitWithArgs(
      distributor.write.exitAggregator([], { account }),
      distributor,
      "AggregatorExited",
      [account.address, TEST_CONFIG.aggregatorBond],
    );
  });

  it("an aggregator whose epoch was rejected by an upheld challenge is slashed and cannot post until it bonds anew", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const account = wallets.aggregator.account;
    const e0 = await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 10n)]);
    const challenge = await openChallenge(s, 0n);
    await distributor.write.upholdChallenge([challenge.id], { account: wallets.arbiter.account });
    assert.deepEqual(await aggregatorInfo(s), { bond: 0n, exitAvailableAt: 0n, exitAfterEpoch: 0n, active: false });
    await viem.assertions.revertWithCustomErrorWithArgs(
      postEpoch(s, 0n, [], { replaced: e0.data }),
      distributor,
      "AggregatorNotActive",
      [account.address],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.registerAggregator([], { account, value: TEST_CONFIG.aggregatorBond - 1n }),
      distributor,
      "AggregatorBondTooLow",
      [TEST_CONFIG.aggregatorBond - 1n, TEST_CONFIG.aggregatorBond],
    );
    await distributor.write.registerAggregator([], { account, value: TEST_CONFIG.aggregatorBond });
    await postEpoch(s, 0n, [], { replaced: e0.data });
    assert.equal(((await distributor.read.systemState()) as { nextEpoch: bigint }).nextEpoch, 1n);
  });

  it("the exit notice outlasts the window of every epoch posted before it: an unchallenged aggregator leaves right after it", async () => {
    const s = await loadScenario();
    const { distributor, wallets } = s;
    const account = wallets.aggregator.account;
    await postEpoch(s, 0n, [], { bundleHash: zeroHash });
    await distributor.write.requestAggregatorExit([], { account });
    const { exitAvailableAt } = await aggregatorInfo(s);
    const posted = (await distributor.read.epochInfo([0n])) as { postedAt: bigint };
    assert.ok(exitAvailableAt >= posted.postedAt + TEST_CONFIG.challengeWindow);
    await s.networkHelpers.time.setNextBlockTimestamp(exitAvailableAt);
    await distributor.write.exitAggregator([], { account });
    assert.equal(await distributor.read.isClaimable([0n]), true);
    assert.equal(await distributor.read.creditOf([account.address]), TEST_CONFIG.aggregatorBond);
  });

  // The exit notice is 2 challengeWindow + arbiterTimeout, the recovery period of the last epoch the aggregator could
  // have posted: revokeEpoch() can take its bond for as long as it can reject one of its epochs.
  it("an aggregator stays bonded until its epochs' recovery period is over, so a revocation can still take its bond", async () => {
    const s = await loadScenario();
    const { distributor, viem, wallets } = s;
    const account = wallets.aggregator.account;
    await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 10n)]);
    await distributor.write.requestAggregatorExit([], { account });
    const { exitAvailableAt } = await aggregatorInfo(s);
    const posted = (await distributor.read.epochInfo([0n])) as { postedAt: bigint };
    assert.ok(exitAvailableAt >= posted.postedAt + 2n * TEST_CONFIG.challengeWindow + TEST_CONFIG.arbiterTimeout);
    // Epoch 0 is claimable, and still inside its recovery period: the aggregator may not leave yet.
    await s.networkHelpers.time.increaseTo(posted.postedAt + TEST_CONFIG.challengeWindow + 1n);
    assert.equal(await distributor.read.isClaimable([0n]), true);
    await viem.assertions.revertWithCustomErrorWithArgs(
      distributor.write.exitAggregator([], { account }),
      distributor,
      "AggregatorExitNotReady",
      [account.address, exitAvailableAt, 1n],
    );
    await distributor.write.revokeEpoch([0n, zeroHash], { account: wallets.arbiter.account });
    assert.equal(
      await distributor.read.creditOf([wallets.treasury.account.address]),
      TEST_CONFIG.aggregatorBond,
      "the revocation took the bond of the aggregator that wanted to leave",
    );
    assert.equal((await aggregatorInfo(s)).bond, 0n);
  });
});
