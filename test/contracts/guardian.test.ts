import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Hex, zeroAddress, zeroHash } from "viem";
import { TEST_CONFIG } from "./fixture.ts";
import {
  authorize,
  leaf,
  loadScenario,
  now,
  openChallenge,
  type PoolInfo,
  passWindow,
  postEpoch,
  type Scenario,
  type SystemState,
} from "./scenario.ts";

async function systemState(s: Scenario): Promise<SystemState> {
  return (await s.distributor.read.systemState()) as SystemState;
}

/** The distributor through the extension's ABI: AccessControl, its errors, ExtensionDirectCall and initializeRoles. */
async function withRoles(s: Scenario) {
  const contract = await s.viem.getContractAt("RewardDistributorExtension", s.distributor.address);
  return {
    contract,
    GUARDIAN_ROLE: (await contract.read.GUARDIAN_ROLE()) as Hex,
    ARBITER_ROLE: (await contract.read.ARBITER_ROLE()) as Hex,
    DEFAULT_ADMIN_ROLE: (await contract.read.DEFAULT_ADMIN_ROLE()) as Hex,
  };
}

/** Epoch 0 (A 100, B 200) recorded claimable; epoch 1 (A 150) posted and past its window but not recorded. */
async function claimsInFlight(s: Scenario) {
  const a = s.wallets.others[1]!;
  const b = s.wallets.others[2]!;
  const a0 = leaf(a.account.address, s.poolId, 100n);
  const b0 = leaf(b.account.address, s.poolId, 200n);
  const e0 = await postEpoch(s, 0n, [a0, b0]);
  await passWindow(s);
  const a1 = leaf(a.account.address, s.poolId, 150n, 50n);
  const e1 = await postEpoch(s, 1n, [a1, { ...b0, epochAmount: 0n }]); // records epoch 0
  await passWindow(s);
  return { a, b, a0, b0, a1, e0, e1 };
}

describe("RewardDistributor guardian, roles and balances", () => {
  describe("pause", () => {
    it("pause emits Paused, clears the claim root and stops posting, every claim path and every outflow", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, b, a0, b0, a1, e0, e1 } = await claimsInFlight(s);
      assert.equal((await systemState(s)).claimRoot, e0.root);
      const pausedAt = BigInt(await s.networkHelpers.time.latest()) + 10n;
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt);
      // Anyone may unpause once the maximum pause (arbiterTimeout) has run.
      await viem.assertions.emitWithArgs(
        distributor.write.pause([], { account: wallets.guardian.account }),
        distributor,
        "Paused",
        [wallets.guardian.account.address, pausedAt + TEST_CONFIG.arbiterTimeout],
      );
      const state = await systemState(s);
      assert.equal(state.paused, true);
      assert.equal(state.claimRoot, zeroHash);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      assert.deepEqual(await distributor.read.latestClaimableEpoch(), [false, 0n]);
      assert.equal(((await distributor.read.epochInfo([0n])) as { claimable: boolean }).claimable, false);

      const paused = (p: Promise<unknown>) =>
        viem.assertions.revertWithCustomError(p as Promise<Hex>, distributor, "SystemPaused");
      await paused(postEpoch(s, 2n, []));
      await paused(distributor.write.claim([a0, e0.proof(a0)])); // the recorded root (fast path)
      await paused(distributor.write.claim([a1, e1.proof(a1)])); // ripe, unrecorded (slow path)
      await paused(distributor.write.claimMany([[{ leaf: b0, proof: e0.proof(b0) }]]));
      const relayed = await authorize(s, a, {
        leaf: a0,
        proof: e0.proof(a0),
        recipient: a.account.address,
        maxFee: 0n,
        nonce: 0n,
        deadline: (await now(s)) + 3_600n,
        fee: 0n,
      });
      await paused(distributor.write.claimWithAuthorization([relayed.claim], { account: b.account }));
      await paused(distributor.write.claimWithAuthorizations([[relayed.claim]], { account: b.account }));
      await paused(distributor.write.advanceClaimable([]));
      const owner = wallets.broadcaster.account;
      await distributor.write.requestWithdrawal([s.poolId, 1n], { account: owner }); // notice may still be given
      await s.networkHelpers.time.increase((await distributor.read.withdrawalNotice()) as bigint);
      await paused(distributor.write.withdraw([s.poolId, owner.address], { account: owner }));
      await distributor.write.requestAggregatorExit([], { account: wallets.aggregator.account });
      // The exit notice (2 challengeWindow + arbiterTimeout of contract clock) runs once the pause is past its maximum.
      await s.networkHelpers.time.increase(2n * TEST_CONFIG.challengeWindow + 2n * TEST_CONFIG.arbiterTimeout);
      await distributor.write.exitAggregator([], { account: wallets.aggregator.account }); // credits, pays nothing
      await paused(distributor.write.withdrawBalance([], { account: wallets.aggregator.account }));
      await paused(distributor.write.pause([], { account: wallets.guardian.account }));
    });

    it("unpause emits Unpaused, restores the recorded claim root, and claims work again", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a0, a1, e0, e1 } = await claimsInFlight(s);
      await viem.assertions.revertWithCustomError(
        distributor.write.unpause([], { account: wallets.guardian.account }),
        distributor,
        "SystemNotPaused",
      );
      await distributor.write.pause([], { account: wallets.guardian.account });
      const pausedAt = BigInt(await s.networkHelpers.time.latest());
      const clockBefore = (await distributor.read.clock()) as bigint;
      // The contract clock stands still while paused: unpausing 1,000 s later reports 1,000 s stopped.
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt + 1_000n);
      await viem.assertions.emitWithArgs(
        distributor.write.unpause([], { account: wallets.guardian.account }),
        distributor,
        "Unpaused",
        [wallets.guardian.account.address, 1_000n],
      );
      assert.equal(await distributor.read.clock(), clockBefore);
      const state = await systemState(s);
      assert.equal(state.paused, false);
      assert.equal(state.claimRoot, e0.root);
      await distributor.write.claim([a0, e0.proof(a0)]);
      await distributor.write.claim([a1, e1.proof(a1)]);
      // Each direct claim moves the account's authorization nonce on (retiring older authorizations).
      assert.deepEqual(await distributor.read.claimed([s.poolId, a0.account]), [150n, 2n]);
    });

    it("unpause before any epoch was recorded leaves the claim root zero", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await distributor.write.pause([], { account: wallets.guardian.account });
      await distributor.write.unpause([], { account: wallets.guardian.account });
      assert.equal((await systemState(s)).claimRoot, zeroHash);
    });

    it("pause is guardian only (AccessControlUnauthorizedAccount); before the maximum pause only the guardian unpauses (SystemPauseNotOver), after it anyone", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const roles = await withRoles(s);
      for (const who of [wallets.admin, wallets.arbiter, wallets.others[0]!]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.pause([], { account: who.account }),
          roles.contract,
          "AccessControlUnauthorizedAccount",
          [who.account.address, roles.GUARDIAN_ROLE],
        );
      }
      await distributor.write.pause([], { account: wallets.guardian.account });
      const { pausedAt, pauseEndsAt } = (await distributor.read.systemState()) as {
        pausedAt: bigint;
        pauseEndsAt: bigint;
      };
      assert.equal(pauseEndsAt, pausedAt + TEST_CONFIG.arbiterTimeout);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.unpause([], { account: wallets.admin.account }),
        distributor,
        "SystemPauseNotOver",
        [pauseEndsAt],
      );
      await s.networkHelpers.time.increaseTo(pauseEndsAt);
      await viem.assertions.emit(
        distributor.write.unpause([], { account: wallets.others[0]!.account }),
        distributor,
        "Unpaused",
      );
      assert.equal(((await distributor.read.systemState()) as { paused: boolean }).paused, false);
    });

    it("the guardian cannot move funds: no pool withdrawal, no credit, no arbiter power, no role grants", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const guardian = wallets.guardian.account;
      const roles = await withRoles(s);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.requestWithdrawal([s.poolId, 1n], { account: guardian }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, guardian.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, guardian.address], { account: guardian }),
        distributor,
        "PoolUnauthorized",
        [s.poolId, guardian.address],
      );
      await viem.assertions.revertWithCustomError(
        distributor.write.withdrawBalance([], { account: guardian }),
        distributor,
        "ZeroAmount",
      );
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 5n)]);
      const challenge = await openChallenge(s, 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.dismissChallenge([challenge.id], { account: guardian }),
        roles.contract,
        "AccessControlUnauthorizedAccount",
        [guardian.address, roles.ARBITER_ROLE],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.grantRole([roles.ARBITER_ROLE, guardian.address], { account: guardian }),
        roles.contract,
        "AccessControlUnauthorizedAccount",
        [guardian.address, roles.DEFAULT_ADMIN_ROLE],
      );
      const pool = (await distributor.read.poolInfo([s.poolId])) as PoolInfo;
      assert.equal(pool.unallocated + pool.owed, (await s.token.read.balanceOf([distributor.address])) as bigint);
    });
  });

  describe("the contract clock", () => {
    it("a pause stops the challenge window: a pending epoch becomes claimable later by the time spent paused", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 5n)]);
      const { postedAt, claimableAt } = (await distributor.read.epochInfo([0n])) as {
        postedAt: bigint;
        claimableAt: bigint;
      };
      const pausedAt = postedAt + 1_000n;
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt);
      await distributor.write.pause([], { account: wallets.guardian.account });
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt + 50_000n);
      await distributor.write.unpause([], { account: wallets.guardian.account });
      const state = await systemState(s);
      assert.equal(state.clock, pausedAt); // at the unpause block: 50,000 s stood still
      // Windows are on the contract clock: claimableAt is unchanged, but it is reached 50,000 s later in unix time.
      await s.networkHelpers.time.increaseTo(claimableAt + 50_000n - 1n);
      assert.equal(await distributor.read.clock(), claimableAt - 1n);
      assert.equal(await distributor.read.isClaimable([0n]), false);
      await s.networkHelpers.time.increaseTo(claimableAt + 50_000n);
      assert.equal(await distributor.read.isClaimable([0n]), true);
    });

    it("a pause also stops arbiter deadlines and withdrawal notices", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const owner = wallets.broadcaster.account;
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 5n)]);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.requestWithdrawal([s.poolId, 1n], { account: owner });
      const { openedAt } = (await distributor.read.challengeInfo([challenge.id])) as { openedAt: number };
      const deadline = BigInt(openedAt) + TEST_CONFIG.arbiterTimeout;
      await distributor.write.pause([], { account: wallets.guardian.account });
      const stopped = 10_000n;
      await s.networkHelpers.time.increase(stopped);
      await distributor.write.unpause([], { account: wallets.guardian.account });
      // At the unix time of the deadline, the contract clock is `stopped` seconds short of it.
      await s.networkHelpers.time.setNextBlockTimestamp(deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.resolveExpiredChallenge([challenge.id]),
        distributor,
        "ChallengeNotExpired",
        [challenge.id, deadline],
      );
      const { withdrawalAvailableAt } = (await distributor.read.poolInfo([s.poolId])) as PoolInfo;
      await s.networkHelpers.time.setNextBlockTimestamp(withdrawalAvailableAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.withdraw([s.poolId, owner.address], { account: owner }),
        distributor,
        "PoolWithdrawalNotReady",
        [s.poolId, withdrawalAvailableAt],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(deadline + stopped + 1n);
      await viem.assertions.emitWithArgs(
        distributor.write.resolveExpiredChallenge([challenge.id]),
        distributor,
        "ChallengeExpired",
        [challenge.id],
      );
    });

    it("the clock stops for at most arbiterTimeout: a longer pause lets the clock run again, and Unpaused reports arbiterTimeout", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const pausedAt = (await now(s)) + 10n;
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt);
      await distributor.write.pause([], { account: wallets.guardian.account });
      const state = await systemState(s);
      assert.equal(state.pausedAt, pausedAt);
      assert.equal(state.pauseEndsAt, pausedAt + TEST_CONFIG.arbiterTimeout);
      await s.networkHelpers.time.increaseTo(pausedAt + 3n * TEST_CONFIG.arbiterTimeout);
      assert.equal(await distributor.read.clock(), pausedAt + 2n * TEST_CONFIG.arbiterTimeout);
      await s.networkHelpers.time.setNextBlockTimestamp(pausedAt + 3n * TEST_CONFIG.arbiterTimeout + 1n);
      await viem.assertions.emitWithArgs(
        distributor.write.unpause([], { account: wallets.others[0]!.account }),
        distributor,
        "Unpaused",
        [wallets.others[0]!.account.address, TEST_CONFIG.arbiterTimeout],
      );
      const after = await systemState(s);
      assert.equal(after.clock, pausedAt + 2n * TEST_CONFIG.arbiterTimeout + 1n);
      assert.equal(after.pausedAt, 0n);
      assert.equal(after.pauseEndsAt, 0n);
    });

    it("pauses are at least challengeWindow apart (SystemPauseCooldown)", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const guardian = wallets.guardian.account;
      await distributor.write.pause([], { account: guardian });
      await distributor.write.unpause([], { account: guardian });
      const resumedAt = await now(s);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.pause([], { account: guardian }),
        distributor,
        "SystemPauseCooldown",
        [resumedAt + TEST_CONFIG.challengeWindow],
      );
      await s.networkHelpers.time.setNextBlockTimestamp(resumedAt + TEST_CONFIG.challengeWindow);
      await distributor.write.pause([], { account: guardian });
      assert.equal((await systemState(s)).paused, true);
    });
  });

  describe("roles", () => {
    it("the constructor grants admin, guardian and arbiter roles to the given accounts only", async () => {
      const s = await loadScenario();
      const { wallets } = s;
      const roles = await withRoles(s);
      const has = async (role: Hex, who: { account: { address: Hex } }) =>
        (await roles.contract.read.hasRole([role, who.account.address])) as boolean;
      assert.equal(await has(roles.DEFAULT_ADMIN_ROLE, wallets.admin), true);
      assert.equal(await has(roles.GUARDIAN_ROLE, wallets.guardian), true);
      assert.equal(await has(roles.ARBITER_ROLE, wallets.arbiter), true);
      assert.equal(await has(roles.DEFAULT_ADMIN_ROLE, wallets.guardian), false);
      assert.equal(await has(roles.ARBITER_ROLE, wallets.admin), false);
      assert.equal(await has(roles.GUARDIAN_ROLE, wallets.arbiter), false);
    });

    it("the admin grants and revokes the arbiter role through AccessControl", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const roles = await withRoles(s);
      const deputy = wallets.others[7]!.account;
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 5n)]);
      const first = await openChallenge(s, 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.grantRole([roles.ARBITER_ROLE, deputy.address], { account: deputy }),
        roles.contract,
        "AccessControlUnauthorizedAccount",
        [deputy.address, roles.DEFAULT_ADMIN_ROLE],
      );
      await viem.assertions.emitWithArgs(
        roles.contract.write.grantRole([roles.ARBITER_ROLE, deputy.address], { account: wallets.admin.account }),
        roles.contract,
        "RoleGranted",
        [roles.ARBITER_ROLE, deputy.address, wallets.admin.account.address],
      );
      await distributor.write.dismissChallenge([first.id], { account: deputy });
      await viem.assertions.emitWithArgs(
        roles.contract.write.revokeRole([roles.ARBITER_ROLE, deputy.address], { account: wallets.admin.account }),
        roles.contract,
        "RoleRevoked",
        [roles.ARBITER_ROLE, deputy.address, wallets.admin.account.address],
      );
      const second = await openChallenge(s, 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.dismissChallenge([second.id], { account: deputy }),
        roles.contract,
        "AccessControlUnauthorizedAccount",
        [deputy.address, roles.ARBITER_ROLE],
      );
    });

    it("the admin changes hands in two steps, at least challengeWindow apart; the delay cannot be changed", async () => {
      const s = await loadScenario();
      const { viem, wallets } = s;
      const roles = await withRoles(s);
      const admin = wallets.admin.account;
      const next = wallets.others[8]!.account;
      assert.equal(await roles.contract.read.defaultAdminDelay(), Number(TEST_CONFIG.challengeWindow));
      await roles.contract.write.beginDefaultAdminTransfer([next.address], { account: admin });
      const [pending, schedule] = (await roles.contract.read.pendingDefaultAdmin()) as readonly [Hex, number];
      assert.equal(pending.toLowerCase(), next.address.toLowerCase());
      assert.equal(BigInt(schedule), (await now(s)) + TEST_CONFIG.challengeWindow);
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.acceptDefaultAdminTransfer([], { account: next }),
        roles.contract,
        "AccessControlEnforcedDefaultAdminDelay",
        [schedule],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.acceptDefaultAdminTransfer([], { account: wallets.others[7]!.account }),
        roles.contract,
        "AccessControlInvalidDefaultAdmin",
        [wallets.others[7]!.account.address],
      );
      await s.networkHelpers.time.increaseTo(BigInt(schedule) + 1n);
      await roles.contract.write.acceptDefaultAdminTransfer([], { account: next });
      assert.equal(await roles.contract.read.hasRole([roles.DEFAULT_ADMIN_ROLE, next.address]), true);
      assert.equal(await roles.contract.read.hasRole([roles.DEFAULT_ADMIN_ROLE, admin.address]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.changeDefaultAdminDelay([1], { account: next }),
        roles.contract,
        "SystemRoleConflict",
        [roles.DEFAULT_ADMIN_ROLE, zeroAddress],
      );
    });

    it("roles are kept apart: the admin cannot grant itself or its successor the arbiter or guardian role, nor hand the admin role to a guardian (SystemRoleConflict)", async () => {
      const s = await loadScenario();
      const { viem, wallets } = s;
      const roles = await withRoles(s);
      const admin = wallets.admin.account;
      for (const role of [roles.ARBITER_ROLE, roles.GUARDIAN_ROLE]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          roles.contract.write.grantRole([role, admin.address], { account: admin }),
          roles.contract,
          "SystemRoleConflict",
          [role, admin.address],
        );
      }
      // The pending admin is treated as the admin.
      const next = wallets.others[8]!.account;
      await roles.contract.write.beginDefaultAdminTransfer([next.address], { account: admin });
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.grantRole([roles.ARBITER_ROLE, next.address], { account: admin }),
        roles.contract,
        "SystemRoleConflict",
        [roles.ARBITER_ROLE, next.address],
      );
      // A guardian offered the admin role cannot take it.
      const guardian = wallets.guardian.account;
      await roles.contract.write.beginDefaultAdminTransfer([guardian.address], { account: admin });
      await s.networkHelpers.time.increase(TEST_CONFIG.challengeWindow + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        roles.contract.write.acceptDefaultAdminTransfer([], { account: guardian }),
        roles.contract,
        "SystemRoleConflict",
        [roles.GUARDIAN_ROLE, guardian.address],
      );
      assert.equal(await roles.contract.read.hasRole([roles.DEFAULT_ADMIN_ROLE, admin.address]), true);
    });

    it("the admin can hand the guardian role to another account", async () => {
      const s = await loadScenario();
      const { distributor, wallets } = s;
      const roles = await withRoles(s);
      const next = wallets.others[8]!.account;
      await roles.contract.write.grantRole([roles.GUARDIAN_ROLE, next.address], { account: wallets.admin.account });
      await roles.contract.write.revokeRole([roles.GUARDIAN_ROLE, wallets.guardian.account.address], {
        account: wallets.admin.account,
      });
      await distributor.write.pause([], { account: next });
      assert.equal((await systemState(s)).paused, true);
      // The former guardian is now anyone: it cannot end the pause early.
      await s.viem.assertions.revertWithCustomError(
        distributor.write.unpause([], { account: wallets.guardian.account }),
        distributor,
        "SystemPauseNotOver",
      );
      await distributor.write.unpause([], { account: next });
      assert.equal((await systemState(s)).paused, false);
    });
  });

  describe("credits and withdrawBalance", () => {
    it("withdrawBalance pays the credited wei, emits BalanceWithdrawn and zeroes the credit", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      await postEpoch(s, 0n, [leaf(wallets.others[1]!.account.address, s.poolId, 5n)]);
      const challenge = await openChallenge(s, 0n);
      await distributor.write.dismissChallenge([challenge.id], { account: wallets.arbiter.account });
      const treasury = wallets.treasury.account;
      assert.equal(await distributor.read.creditOf([treasury.address]), TEST_CONFIG.challengerBond);
      const tx = distributor.write.withdrawBalance([], { account: treasury });
      await viem.assertions.balancesHaveChanged(tx, [
        { address: treasury.address, amount: TEST_CONFIG.challengerBond },
        { address: distributor.address, amount: -TEST_CONFIG.challengerBond },
      ]);
      await viem.assertions.emitWithArgs(tx, distributor, "BalanceWithdrawn", [
        treasury.address,
        TEST_CONFIG.challengerBond,
      ]);
      assert.equal(await distributor.read.creditOf([treasury.address]), 0n);
      await viem.assertions.revertWithCustomError(
        distributor.write.withdrawBalance([], { account: treasury }),
        distributor,
        "ZeroAmount",
      );
    });

    it("withdrawBalance with nothing credited reverts with ZeroAmount", async () => {
      const { distributor, viem, wallets } = await loadScenario();
      await viem.assertions.revertWithCustomError(
        distributor.write.withdrawBalance([], { account: wallets.others[9]!.account }),
        distributor,
        "ZeroAmount",
      );
    });
  });

  describe("the extension", () => {
    it("refuses direct calls with ExtensionDirectCall", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets, token } = s;
      const address = (await distributor.read.extension()) as Hex;
      const direct = await viem.getContractAt("RewardDistributorExtension", address);
      const account = wallets.broadcaster.account;
      await viem.assertions.revertWithCustomError(
        direct.write.createPool([token.address, 1n, account.address, ""], { account }),
        direct,
        "ExtensionDirectCall",
      );
      await viem.assertions.revertWithCustomError(
        direct.write.registerAggregator([], { account, value: TEST_CONFIG.aggregatorBond }),
        direct,
        "ExtensionDirectCall",
      );
      await viem.assertions.revertWithCustomError(
        direct.write.initializeRoles([account.address, account.address, account.address], { account }),
        direct,
        "ExtensionDirectCall",
      );
    });

    it("initializeRoles cannot be called again through the distributor (ExtensionDirectCall)", async () => {
      const s = await loadScenario();
      const roles = await withRoles(s);
      const attacker = s.wallets.others[9]!.account;
      await s.viem.assertions.revertWithCustomError(
        roles.contract.write.initializeRoles([attacker.address, attacker.address, attacker.address], {
          account: attacker,
        }),
        roles.contract,
        "ExtensionDirectCall",
      );
      assert.equal(await roles.contract.read.hasRole([roles.DEFAULT_ADMIN_ROLE, attacker.address]), false);
    });
  });

  describe("constructor", () => {
    async function deploy(s: Scenario, overrides: Record<string, unknown> = {}) {
      const { wallets, config } = s;
      const args = {
        admin: wallets.admin.account.address as Hex,
        guardian: wallets.guardian.account.address as Hex,
        arbiter: wallets.arbiter.account.address as Hex,
        treasury: wallets.treasury.account.address as Hex,
        ...overrides,
      };
      const cfg = { ...config, ...((overrides.config as object | undefined) ?? {}) };
      return s.viem.deployContract("RewardDistributor", [args.admin, args.guardian, args.arbiter, args.treasury, cfg]);
    }

    it("refuses out-of-range parameters with ConfigInvalid naming the parameter", async () => {
      const s = await loadScenario();
      const cases: [Record<string, bigint>, string][] = [
        [{ epochSeconds: 0n }, "epochSeconds"],
        [{ challengeWindow: 0n }, "challengeWindow"],
        [{ arbiterTimeout: 0n }, "arbiterTimeout"],
        [{ challengerShareBps: 10_001n }, "challengerShareBps"],
        [{ genesisTime: 1n << 40n }, "genesisTime"],
        [{ aggregatorBond: 0n }, "aggregatorBond"],
        [{ challengerBond: 0n }, "challengerBond"],
        // More epochs could be pending than maxPending (64): (window + timeout) / epochSeconds + 8 > 64.
        [{ epochSeconds: 60n, challengeWindow: 57n * 60n, arbiterTimeout: 1n }, "epochSeconds"],
      ];
      for (const [config, parameter] of cases) {
        await s.viem.assertions.revertWithCustomErrorWithArgs(deploy(s, { config }), s.distributor, "ConfigInvalid", [
          parameter,
        ]);
      }
      // The limits themselves are accepted.
      await deploy(s, {
        config: { challengerShareBps: 10_000n, epochSeconds: 60n, challengeWindow: 56n * 60n, arbiterTimeout: 59n },
      });
    });

    it("refuses an admin who is also guardian or arbiter with SystemRoleConflict", async () => {
      const s = await loadScenario();
      const admin = s.wallets.admin.account.address;
      const { GUARDIAN_ROLE, ARBITER_ROLE } = await withRoles(s);
      for (const [roles, role] of [
        [{ guardian: admin }, GUARDIAN_ROLE],
        [{ arbiter: admin }, ARBITER_ROLE],
      ] as const) {
        await s.viem.assertions.revertWithCustomErrorWithArgs(deploy(s, roles), s.distributor, "SystemRoleConflict", [
          role,
          admin,
        ]);
      }
    });

    it("refuses a zero treasury or admin with ZeroAddress, and grants no role for a zero guardian or arbiter", async () => {
      const s = await loadScenario();
      await s.viem.assertions.revertWithCustomError(deploy(s, { treasury: zeroAddress }), s.distributor, "ZeroAddress");
      await s.viem.assertions.revertWithCustomError(deploy(s, { admin: zeroAddress }), s.distributor, "ZeroAddress");
      const bare = await deploy(s, { guardian: zeroAddress, arbiter: zeroAddress });
      const roles = await s.viem.getContractAt("RewardDistributorExtension", bare.address);
      const distributor = await s.viem.getContractAt("IRewardDistributor", bare.address);
      await s.viem.assertions.revertWithCustomError(
        distributor.write.pause([], { account: s.wallets.guardian.account }),
        roles,
        "AccessControlUnauthorizedAccount",
      );
      assert.equal(
        await roles.read.hasRole([(await roles.read.DEFAULT_ADMIN_ROLE()) as Hex, s.wallets.admin.account.address]),
        true,
      );
    });
  });
});
