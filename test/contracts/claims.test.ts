import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Address,
  type Hex,
  maxUint256,
  parseEventLogs,
  parseSignature,
  serializeCompactSignature,
  signatureToCompactSignature,
  toEventSelector,
  zeroAddress,
  zeroHash,
} from "viem";
import { serializeSignature } from "../../src/protocol/signature/serializeSignature.ts";
import type { Leaf } from "./fixture.ts";
import {
  authorize,
  balanceOf,
  createPool,
  expectEvent,
  leaf,
  loadScenario,
  now,
  POOL_FUNDS,
  type PoolInfo,
  passWindow,
  postEpoch,
  type Scenario,
  type SystemState,
  simulate,
  toCompact,
} from "./scenario.ts";

const CLAIMABLE_ADVANCED = toEventSelector("ClaimableEpochAdvanced(uint256,bytes32)");
const TRANSFER = toEventSelector("Transfer(address,address,uint256)");

function accounts(s: Scenario) {
  return {
    a: s.wallets.others[1]!,
    b: s.wallets.others[2]!,
    c: s.wallets.others[3]!,
    relayer: s.wallets.others[4]!,
    recipient: s.wallets.others[5]!.account.address,
    stranger: s.wallets.others[6]!,
  };
}

/** Epoch 0 pays A 100, B 200 and C 300 from the scenario's pool; its window has passed (nothing recorded yet). */
async function claimableEpoch(s: Scenario) {
  const { a, b, c } = accounts(s);
  const leaves = {
    a: leaf(a.account.address, s.poolId, 100n),
    b: leaf(b.account.address, s.poolId, 200n),
    c: leaf(c.account.address, s.poolId, 300n),
  };
  const e0 = await postEpoch(s, 0n, [leaves.a, leaves.b, leaves.c]);
  await passWindow(s);
  return { leaves, e0 };
}

async function claimed(s: Scenario, poolId: Hex, account: Address): Promise<readonly [bigint, bigint]> {
  return (await s.distributor.read.claimed([poolId, account])) as readonly [bigint, bigint];
}

async function logsOf(s: Scenario, hash: Hex | Promise<Hex>) {
  return (await s.publicClient.waitForTransactionReceipt({ hash: await hash })).logs;
}

/** A second pool, on a second token, funded with 1,000 units. */
async function secondPool(s: Scenario) {
  const token2 = await s.viem.deployContract("TestToken", ["Second", "TWO", 18]);
  const owner = s.wallets.broadcaster;
  await token2.write.mint([owner.account.address, 1_000n]);
  await token2.write.approve([s.distributor.address, maxUint256], { account: owner.account });
  const poolId = await createPool(s, owner, token2.address);
  await s.distributor.write.fund([poolId, 1_000n], { account: owner.account });
  return { token2, pool2: poolId };
}

describe("RewardDistributor claims", () => {
  describe("claim", () => {
    it("pays the account its cumulative amount with a StandardMerkleTree proof, whoever sends it, and emits Claimed", async () => {
      const s = await loadScenario();
      const { distributor, token } = s;
      const { a, stranger } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      assert.ok(e0.proof(leaves.a).length > 0);
      await expectEvent(
        s,
        distributor.write.claim([leaves.a, e0.proof(leaves.a)], { account: stranger.account }),
        "Claimed",
        {
          account: a.account.address,
          poolId: s.poolId,
          amount: 100n,
        },
      );
      assert.equal(await balanceOf(token, a.account.address), 100n);
      assert.equal(await balanceOf(token, stranger.account.address), 0n);
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 1n]);
      const pool = (await distributor.read.poolInfo([s.poolId])) as PoolInfo;
      assert.equal(pool.owed, 500n);
      assert.equal(pool.unallocated, POOL_FUNDS - 600n);
    });

    it("the first claim after the window records the epoch (slow path); later claims take the fast path", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { leaves, e0 } = await claimableEpoch(s);
      assert.equal(((await distributor.read.systemState()) as SystemState).claimableEnd, 0n);
      const slow = distributor.write.claim([leaves.a, e0.proof(leaves.a)]);
      await viem.assertions.emitWithArgs(slow, distributor, "ClaimableEpochAdvanced", [1n, e0.root]);
      const state = (await distributor.read.systemState()) as SystemState;
      assert.equal(state.claimableEnd, 1n);
      assert.equal(state.claimRoot, e0.root);
      const fast = await logsOf(s, distributor.write.claim([leaves.b, e0.proof(leaves.b)]));
      assert.equal(fast.filter((l) => l.topics[0] === CLAIMABLE_ADVANCED).length, 0);
      assert.deepEqual(await claimed(s, s.poolId, leaves.b.account), [200n, 1n]);
    });

    it("a later epoch's leaf pays only the difference to what was claimed", async () => {
      const s = await loadScenario();
      const { distributor, viem, token } = s;
      const { a } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      await distributor.write.claim([leaves.a, e0.proof(leaves.a)]);
      const next = leaf(a.account.address, s.poolId, 250n, 150n);
      const e1 = await postEpoch(s, 1n, [next, leaves.b, leaves.c]);
      await passWindow(s);
      await expectEvent(s, distributor.write.claim([next, e1.proof(next)]), "Claimed", {
        account: a.account.address,
        poolId: s.poolId,
        amount: 150n,
      });
      assert.equal(await balanceOf(token, a.account.address), 250n);
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [250n, 2n]);
      // The older leaf (its root is the superseded one, still accepted) now owes nothing.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([leaves.a, e0.proof(leaves.a)]),
        distributor,
        "ClaimNothingDue",
        [s.poolId, a.account.address, 100n, 250n],
      );
    });

    it("a repeated claim reverts with ClaimNothingDue", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { leaves, e0 } = await claimableEpoch(s);
      await distributor.write.claim([leaves.a, e0.proof(leaves.a)]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([leaves.a, e0.proof(leaves.a)]),
        distributor,
        "ClaimNothingDue",
        [s.poolId, leaves.a.account, 100n, 100n],
      );
    });

    it("a leaf or proof that does not lead to a claimable root reverts with ClaimInvalidProof", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, b } = accounts(s);
      const leaves = [leaf(a.account.address, s.poolId, 100n), leaf(b.account.address, s.poolId, 200n)];
      const e0 = await postEpoch(s, 0n, leaves);
      const expectInvalid = (l: Leaf, proof: Hex[]) =>
        viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.claim([l, proof]),
          distributor,
          "ClaimInvalidProof",
          [l.poolId, l.account],
        );
      // Still pending: no claimable root at all.
      await expectInvalid(leaves[0]!, e0.proof(leaves[0]!));
      await passWindow(s);
      await expectInvalid({ ...leaves[0]!, cumulativeAmount: 101n }, e0.proof(leaves[0]!));
      await expectInvalid({ ...leaves[0]!, account: b.account.address }, e0.proof(leaves[0]!));
      await expectInvalid({ ...leaves[0]!, receiptsRoot: `0x${"11".repeat(32)}` }, e0.proof(leaves[0]!));
      await expectInvalid(leaves[0]!, e0.proof(leaves[1]!));
      await expectInvalid(leaves[0]!, []);
    });

    it("the pool's allocation caps payouts whatever the root says (PoolAllocationExceeded)", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, b } = accounts(s);
      const leaves = [leaf(a.account.address, s.poolId, 80n), leaf(b.account.address, s.poolId, 80n)];
      // The root owes 160 but the post only allocated 100.
      const e0 = await postEpoch(s, 0n, leaves, { poolTotals: [{ poolId: s.poolId, amount: 100n }] });
      await passWindow(s);
      await distributor.write.claim([leaves[0]!, e0.proof(leaves[0]!)]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([leaves[1]!, e0.proof(leaves[1]!)]),
        distributor,
        "PoolAllocationExceeded",
        [s.poolId, 80n, 20n],
      );
      const pool = (await distributor.read.poolInfo([s.poolId])) as PoolInfo;
      assert.equal(pool.owed, 20n);
      assert.equal(pool.unallocated, POOL_FUNDS - 100n);
      assert.equal(await balanceOf(s.token, distributor.address), POOL_FUNDS - 80n);
    });

    it("accepts the latest claimable root and the one it superseded, and refuses older roots", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, b, c } = accounts(s);
      const cLeaf = leaf(c.account.address, s.poolId, 10n);
      const e0 = await postEpoch(s, 0n, [leaf(a.account.address, s.poolId, 100n), cLeaf]);
      const bLeaf = leaf(b.account.address, s.poolId, 50n);
      const e1 = await postEpoch(s, 1n, [
        leaf(a.account.address, s.poolId, 100n, 0n),
        bLeaf,
        { ...cLeaf, epochAmount: 0n },
      ]);
      const aLeaf = leaf(a.account.address, s.poolId, 120n, 20n);
      const e2 = await postEpoch(s, 2n, [aLeaf, { ...bLeaf, epochAmount: 0n }, { ...cLeaf, epochAmount: 0n }]);
      await passWindow(s);
      await distributor.write.advanceClaimable([]);
      assert.equal(((await distributor.read.systemState()) as SystemState).claimRoot, e2.root);
      await expectEvent(s, distributor.write.claim([aLeaf, e2.proof(aLeaf)]), "Claimed", {
        account: a.account.address,
        poolId: s.poolId,
        amount: 120n,
      });
      await expectEvent(s, distributor.write.claim([bLeaf, e1.proof(bLeaf)]), "Claimed", {
        account: b.account.address,
        poolId: s.poolId,
        amount: 50n,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([cLeaf, e0.proof(cLeaf)]),
        distributor,
        "ClaimInvalidProof",
        [s.poolId, c.account.address],
      );
    });
  });

  describe("claimWithAuthorization", () => {
    it("pays the recipient the amount minus the fee and the relayer the fee, uses the nonce, emits ClaimedWithAuthorization", async () => {
      const s = await loadScenario();
      const { distributor, token } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 3_600n;
      const { claim } = await authorize(s, a, {
        leaf: leaves.a,
        proof: e0.proof(leaves.a),
        recipient,
        maxFee: 10n,
        nonce: 0n,
        deadline,
        fee: 7n,
      });
      const tx = distributor.write.claimWithAuthorization([claim], { account: relayer.account });
      await expectEvent(s, tx, "ClaimedWithAuthorization", {
        account: a.account.address,
        poolId: s.poolId,
        recipient,
        relayer: relayer.account.address,
        amount: 100n,
        fee: 7n,
      });
      const direct = parseEventLogs({ abi: distributor.abi, logs: await logsOf(s, tx), eventName: "Claimed" });
      assert.equal(direct.length, 0, "a relayed claim emits no Claimed");
      assert.equal(await balanceOf(token, recipient), 93n);
      assert.equal(await balanceOf(token, relayer.account.address), 7n);
      assert.equal(await balanceOf(token, a.account.address), 0n);
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 1n]);
    });

    it("refuses a fee above maxFee or above the amount with ClaimFeeTooHigh", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 3_600n;
      const base = { leaf: leaves.a, proof: e0.proof(leaves.a), recipient, nonce: 0n, deadline };
      const overMax = await authorize(s, a, { ...base, maxFee: 10n, fee: 11n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([overMax.claim], { account: relayer.account }),
        distributor,
        "ClaimFeeTooHigh",
        [11n, 10n, 100n],
      );
      const overAmount = await authorize(s, a, { ...base, maxFee: 1_000n, fee: 101n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([overAmount.claim], { account: relayer.account }),
        distributor,
        "ClaimFeeTooHigh",
        [101n, 1_000n, 100n],
      );
      // The whole amount as fee is allowed.
      const whole = await authorize(s, a, { ...base, maxFee: 1_000n, fee: 100n });
      await distributor.write.claimWithAuthorization([whole.claim], { account: relayer.account });
      assert.equal(await balanceOf(s.token, relayer.account.address), 100n);
    });

    it("refuses an authorization past its deadline with ClaimAuthorizationExpired, and takes it at the deadline", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 100n;
      const { claim } = await authorize(s, a, {
        leaf: leaves.a,
        proof: e0.proof(leaves.a),
        recipient,
        maxFee: 0n,
        nonce: 0n,
        deadline,
        fee: 0n,
      });
      const snapshot = await s.networkHelpers.takeSnapshot();
      await s.networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([claim], { account: relayer.account }),
        distributor,
        "ClaimAuthorizationExpired",
        [deadline],
      );
      await snapshot.restore();
      await s.networkHelpers.time.setNextBlockTimestamp(deadline);
      await distributor.write.claimWithAuthorization([claim], { account: relayer.account });
      assert.equal(await balanceOf(s.token, recipient), 100n);
    });

    it("refuses a signature by anyone but the account with ClaimAuthorizationSigner", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, b, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const params = {
        leaf: leaves.a,
        proof: e0.proof(leaves.a),
        recipient,
        maxFee: 5n,
        nonce: 0n,
        deadline: (await now(s)) + 3_600n,
        fee: 5n,
      };
      const byB = await authorize(s, b, params);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([byB.claim], { account: relayer.account }),
        distributor,
        "ClaimAuthorizationSigner",
        [b.account.address, a.account.address],
      );
      // Signed for another chain or another contract: some other address.
      for (const domain of [
        { chainId: 1, verifyingContract: distributor.address },
        { chainId: 31337, verifyingContract: s.token.address },
      ]) {
        const elsewhere = await authorize(s, a, params, domain);
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.claimWithAuthorization([elsewhere.claim], { account: relayer.account }),
          distributor,
          "ClaimAuthorizationSigner",
          [(signer: unknown) => String(signer).toLowerCase() !== a.account.address.toLowerCase(), a.account.address],
        );
      }
      // A malformed signature recovers to no one.
      const byA = await authorize(s, a, params);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([{ ...byA.claim, r: zeroHash }], { account: relayer.account }),
        distributor,
        "ClaimAuthorizationSigner",
        [zeroAddress, a.account.address],
      );
      // Any signed field changed: the signature recovers to some other address.
      for (const tampered of [
        { ...byA.claim, recipient: relayer.account.address },
        { ...byA.claim, maxFee: 6n },
        { ...byA.claim, deadline: byA.claim.deadline + 1n },
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.claimWithAuthorization([tampered], { account: relayer.account }),
          distributor,
          "ClaimAuthorizationSigner",
          [(signer: unknown) => String(signer).toLowerCase() !== a.account.address.toLowerCase(), a.account.address],
        );
      }
    });

    it("takes a nonce at or above the next one, which retires every older; a replayed or older nonce is refused with ClaimAuthorizationNonce", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 30n * 86_400n;
      const base = { recipient, maxFee: 0n, deadline, fee: 0n };
      const older = await authorize(s, a, { ...base, leaf: leaves.a, proof: e0.proof(leaves.a), nonce: 1n });
      const skipped = await authorize(s, a, { ...base, leaf: leaves.a, proof: e0.proof(leaves.a), nonce: 3n });
      await distributor.write.claimWithAuthorization([skipped.claim], { account: relayer.account });
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 4n]);
      // Epoch 1 owes more: neither the used nonce 3 nor the older 1 can be replayed for it.
      const next = leaf(a.account.address, s.poolId, 150n, 50n);
      const e1 = await postEpoch(s, 1n, [next, leaves.b, leaves.c]);
      await passWindow(s);
      for (const [stale, nonce] of [
        [skipped, 3n],
        [older, 1n],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.claimWithAuthorization([{ ...stale.claim, leaf: next, proof: e1.proof(next) }], {
            account: relayer.account,
          }),
          distributor,
          "ClaimAuthorizationNonce",
          [nonce, 4n],
        );
      }
      const second = await authorize(s, a, { ...base, leaf: next, proof: e1.proof(next), nonce: 4n });
      await distributor.write.claimWithAuthorization([second.claim], { account: relayer.account });
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [150n, 5n]);
    });

    it("a direct claim moves the nonce on, so an authorization signed before it can no longer be used (ClaimAuthorizationNonce)", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 30n * 86_400n;
      const next = leaf(a.account.address, s.poolId, 150n, 50n);
      const signed = await authorize(s, a, {
        leaf: leaves.a,
        proof: e0.proof(leaves.a),
        recipient,
        maxFee: 50n,
        nonce: 0n,
        deadline,
        fee: 50n,
      });
      await distributor.write.claim([leaves.a, e0.proof(leaves.a)]);
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 1n]);
      // New rewards arrive; the old signature would have taken them as its fee.
      const e1 = await postEpoch(s, 1n, [next, leaves.b, leaves.c]);
      await passWindow(s);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([{ ...signed.claim, leaf: next, proof: e1.proof(next) }], {
          account: relayer.account,
        }),
        distributor,
        "ClaimAuthorizationNonce",
        [0n, 1n],
      );
    });

    it("revokeClaimAuthorizations retires every authorization below the nonce and emits ClaimAuthorizationsRevoked, even with nothing due", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 3_600n;
      const base = { leaf: leaves.a, proof: e0.proof(leaves.a), recipient, maxFee: 0n, deadline, fee: 0n };
      const first = await authorize(s, a, { ...base, nonce: 0n });
      const second = await authorize(s, a, { ...base, nonce: 1n });
      const kept = await authorize(s, a, { ...base, nonce: 2n });
      await viem.assertions.emitWithArgs(
        distributor.write.revokeClaimAuthorizations([s.poolId, 2n], { account: a.account }),
        distributor,
        "ClaimAuthorizationsRevoked",
        [a.account.address, s.poolId, 2n],
      );
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [0n, 2n]);
      for (const [stale, nonce] of [
        [first, 0n],
        [second, 1n],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          distributor.write.claimWithAuthorization([stale.claim], { account: relayer.account }),
          distributor,
          "ClaimAuthorizationNonce",
          [nonce, 2n],
        );
      }
      await distributor.write.claimWithAuthorization([kept.claim], { account: relayer.account });
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 3n]);
      // An account that has claimed everything can still retire what it signed.
      await distributor.write.revokeClaimAuthorizations([s.poolId, 10n], { account: a.account });
      assert.deepEqual(await claimed(s, s.poolId, a.account.address), [100n, 10n]);
    });

    it("revokeClaimAuthorizations refuses a nonce not above the next one or above 2^63 - 1 (ClaimAuthorizationNonce)", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a } = accounts(s);
      const account = a.account;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeClaimAuthorizations([s.poolId, 0n], { account }),
        distributor,
        "ClaimAuthorizationNonce",
        [0n, 1n],
      );
      await distributor.write.revokeClaimAuthorizations([s.poolId, 5n], { account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeClaimAuthorizations([s.poolId, 5n], { account }),
        distributor,
        "ClaimAuthorizationNonce",
        [5n, 6n],
      );
      const max = (1n << 63n) - 1n;
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.revokeClaimAuthorizations([s.poolId, max + 1n], { account }),
        distributor,
        "ClaimAuthorizationNonce",
        [max + 1n, max],
      );
      await distributor.write.revokeClaimAuthorizations([s.poolId, max], { account });
      assert.deepEqual(await claimed(s, s.poolId, account.address), [0n, max]);
    });

    it("setClaimRelayer binds the account's authorizations to one relayer (ClaimRelayerNotAllowed for any other); zero unbinds", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, stranger, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const { claim } = await authorize(s, a, {
        leaf: leaves.a,
        proof: e0.proof(leaves.a),
        recipient,
        maxFee: 5n,
        nonce: 0n,
        deadline: (await now(s)) + 3_600n,
        fee: 5n,
      });
      await viem.assertions.emitWithArgs(
        distributor.write.setClaimRelayer([relayer.account.address], { account: a.account }),
        distributor,
        "ClaimRelayerSet",
        [a.account.address, relayer.account.address],
      );
      assert.equal(
        ((await distributor.read.claimRelayerOf([a.account.address])) as string).toLowerCase(),
        relayer.account.address.toLowerCase(),
      );
      // A copied signature is worthless to anyone but the bound relayer, in a batch too.
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([claim], { account: stranger.account }),
        distributor,
        "ClaimRelayerNotAllowed",
        [stranger.account.address, relayer.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorizations([[claim]], { account: stranger.account }),
        distributor,
        "ClaimRelayerNotAllowed",
        [stranger.account.address, relayer.account.address],
      );
      assert.equal(await simulate(s, "claimWithAuthorization", [claim], relayer), 100n);
      await viem.assertions.emitWithArgs(
        distributor.write.setClaimRelayer([zeroAddress], { account: a.account }),
        distributor,
        "ClaimRelayerSet",
        [a.account.address, zeroAddress],
      );
      await expectEvent(
        s,
        distributor.write.claimWithAuthorization([claim], { account: stranger.account }),
        "ClaimedWithAuthorization",
        {
          account: a.account.address,
          relayer: stranger.account.address,
          amount: 100n,
          fee: 5n,
        },
      );
    });

    it("a fee equal to the amount pays the relayer only: no zero transfer to the recipient, so tokens that refuse them still work", async () => {
      const s = await loadScenario();
      const { distributor, viem, wallets } = s;
      const { a, relayer, recipient } = accounts(s);
      const zr = await viem.deployContract("ZeroTransferRevertingToken");
      const owner = wallets.broadcaster;
      const poolId = await createPool(s, owner, zr.address);
      await zr.write.mint([owner.account.address, 1_000n]);
      await zr.write.approve([distributor.address, maxUint256], { account: owner.account });
      await distributor.write.fund([poolId, 1_000n], { account: owner.account });
      const l = leaf(a.account.address, poolId, 40n);
      const e0 = await postEpoch(s, 0n, [l]);
      await passWindow(s);
      const { claim } = await authorize(s, a, {
        leaf: l,
        proof: e0.proof(l),
        recipient,
        maxFee: 40n,
        nonce: 0n,
        deadline: (await now(s)) + 3_600n,
        fee: 40n,
      });
      const logs = await logsOf(s, distributor.write.claimWithAuthorization([claim], { account: relayer.account }));
      assert.equal(logs.filter((log) => log.topics[0] === TRANSFER).length, 1);
      assert.equal((await zr.read.balanceOf([relayer.account.address])) as bigint, 40n);
      assert.equal((await zr.read.balanceOf([recipient])) as bigint, 0n);
    });

    it("refuses a zero recipient with ZeroAddress, and a bad proof with ClaimInvalidProof", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const deadline = (await now(s)) + 3_600n;
      const base = { leaf: leaves.a, proof: e0.proof(leaves.a), maxFee: 0n, nonce: 0n, deadline, fee: 0n };
      const toNobody = await authorize(s, a, { ...base, recipient: zeroAddress });
      await viem.assertions.revertWithCustomError(
        distributor.write.claimWithAuthorization([toNobody.claim], { account: relayer.account }),
        distributor,
        "ZeroAddress",
      );
      const badProof = await authorize(s, a, { ...base, recipient, proof: e0.proof(leaves.b) });
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorization([badProof.claim], { account: relayer.account }),
        distributor,
        "ClaimInvalidProof",
        [s.poolId, a.account.address],
      );
    });

    it("takes any 65-byte signature converted to EIP-2098 (r, vs = s | yParity << 255), for both parities", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { a, relayer, recipient } = accounts(s);
      const { leaves, e0 } = await claimableEpoch(s);
      const start = (await now(s)) + 3_600n;
      const seen = new Set<number>();
      for (let i = 0n; seen.size < 2 && i < 64n; i++) {
        const { signature, claim } = await authorize(s, a, {
          leaf: leaves.a,
          proof: e0.proof(leaves.a),
          recipient,
          maxFee: 0n,
          nonce: 0n,
          deadline: start + i,
          fee: 0n,
        });
        assert.equal((signature.length - 2) / 2, 65);
        const { yParity } = parseSignature(signature);
        if (seen.has(yParity!)) continue;
        seen.add(yParity!);
        // Our conversion equals viem's and the protocol library's compact forms.
        const compact = signatureToCompactSignature(parseSignature(signature));
        assert.deepEqual(toCompact(signature), { r: compact.r, vs: compact.yParityAndS });
        assert.equal(`${claim.r}${claim.vs.slice(2)}`, serializeSignature(signature, "64"));
        assert.equal(serializeCompactSignature(compact), serializeSignature(signature, "64"));
        assert.equal(await simulate(s, "claimWithAuthorization", [claim], relayer), 100n);
        if (yParity === 1) {
          // Dropping the parity bit recovers another key.
          await viem.assertions.revertWithCustomErrorWithArgs(
            simulate(
              s,
              "claimWithAuthorization",
              [{ ...claim, vs: parseSignature(signature).s }],
              relayer,
            ) as Promise<Hex>,
            distributor,
            "ClaimAuthorizationSigner",
            [(signer: unknown) => String(signer).toLowerCase() !== a.account.address.toLowerCase(), a.account.address],
          );
        }
      }
      assert.deepEqual([...seen].sort(), [0, 1]);
    });
  });

  describe("claimMany (batch of direct claims)", () => {
    it("claims over two pools and several accounts in one transaction", async () => {
      const s = await loadScenario();
      const { distributor, token } = s;
      const { a, b, c } = accounts(s);
      const { token2, pool2 } = await secondPool(s);
      const leaves = [
        leaf(a.account.address, s.poolId, 100n),
        leaf(b.account.address, s.poolId, 200n),
        leaf(a.account.address, pool2, 30n),
        leaf(c.account.address, pool2, 40n),
      ];
      const e0 = await postEpoch(s, 0n, leaves);
      await passWindow(s);
      const claims = leaves.map((l) => ({ leaf: l, proof: e0.proof(l) }));
      assert.deepEqual(await simulate(s, "claimMany", [claims], s.wallets.others[0]!), [100n, 200n, 30n, 40n]);
      const tx = distributor.write.claimMany([claims]);
      const logs = parseEventLogs({
        abi: distributor.abi,
        logs: await logsOf(s, tx),
        eventName: "Claimed",
      }) as unknown as {
        args: { poolId: Hex; account: Address; amount: bigint };
      }[];
      assert.deepEqual(
        logs.map((l) => [l.args.poolId, l.args.account.toLowerCase(), l.args.amount]),
        leaves.map((l) => [l.poolId, l.account.toLowerCase(), l.cumulativeAmount]),
      );
      assert.equal(await balanceOf(token, a.account.address), 100n);
      assert.equal(await balanceOf(token, b.account.address), 200n);
      assert.equal((await token2.read.balanceOf([a.account.address])) as bigint, 30n);
      assert.equal((await token2.read.balanceOf([c.account.address])) as bigint, 40n);
      assert.deepEqual(await claimed(s, pool2, c.account.address), [40n, 1n]);
    });

    it("reverts as a whole when one claim fails", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { leaves, e0 } = await claimableEpoch(s);
      const one = { leaf: leaves.a, proof: e0.proof(leaves.a) };
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimMany([[{ leaf: leaves.b, proof: e0.proof(leaves.b) }, one, one]]),
        distributor,
        "ClaimNothingDue",
        [s.poolId, leaves.a.account, 100n, 100n],
      );
      assert.deepEqual(await claimed(s, s.poolId, leaves.b.account), [0n, 0n]);
    });
  });

  describe("claimWithAuthorizations (batch of relayed claims)", () => {
    async function batchSetup(s: Scenario) {
      const { a, b, c, recipient } = accounts(s);
      const { token2, pool2 } = await secondPool(s);
      const leaves = {
        a1: leaf(a.account.address, s.poolId, 100n),
        b1: leaf(b.account.address, s.poolId, 200n),
        a2: leaf(a.account.address, pool2, 30n),
        c2: leaf(c.account.address, pool2, 40n),
      };
      const e0 = await postEpoch(s, 0n, Object.values(leaves));
      await passWindow(s);
      const deadline = (await now(s)) + 3_600n;
      const sign = async (wallet: typeof a, l: Leaf, fee: bigint) =>
        (await authorize(s, wallet, { leaf: l, proof: e0.proof(l), recipient, maxFee: fee, nonce: 0n, deadline, fee }))
          .claim;
      return {
        token2,
        pool2,
        a1: await sign(a, leaves.a1, 1n),
        b1: await sign(b, leaves.b1, 2n),
        a2: await sign(a, leaves.a2, 3n),
        c2: await sign(c, leaves.c2, 4n),
      };
    }

    function transfersTo(logs: Awaited<ReturnType<typeof logsOf>>, token: Address, to: Address) {
      return logs.filter(
        (l) =>
          l.address.toLowerCase() === token.toLowerCase() &&
          l.topics[0] === TRANSFER &&
          BigInt(l.topics[2]!) === BigInt(to),
      );
    }

    it("pays each recipient and the relayer's fees once per run of one token", async () => {
      const s = await loadScenario();
      const { distributor, token } = s;
      const { relayer, recipient } = accounts(s);
      const { token2, a1, b1, a2, c2 } = await batchSetup(s);
      assert.deepEqual(await simulate(s, "claimWithAuthorizations", [[a1, b1, a2, c2]], relayer), [
        100n,
        200n,
        30n,
        40n,
      ]);
      const tx = distributor.write.claimWithAuthorizations([[a1, b1, a2, c2]], { account: relayer.account });
      await expectEvent(s, tx, "ClaimedWithAuthorization", {
        account: b1.leaf.account,
        poolId: s.poolId,
        recipient,
        relayer: relayer.account.address,
        amount: 200n,
        fee: 2n,
      });
      const logs = await logsOf(s, tx);
      assert.equal(transfersTo(logs, token.address, relayer.account.address).length, 1);
      assert.equal(transfersTo(logs, token2.address, relayer.account.address).length, 1);
      assert.equal(await balanceOf(token, relayer.account.address), 3n);
      assert.equal((await token2.read.balanceOf([relayer.account.address])) as bigint, 7n);
      assert.equal(await balanceOf(token, recipient), 297n);
      assert.equal((await token2.read.balanceOf([recipient])) as bigint, 63n);
      assert.deepEqual(await claimed(s, s.poolId, a1.leaf.account), [100n, 1n]);
      assert.deepEqual(await claimed(s, a2.leaf.poolId, a2.leaf.account), [30n, 1n]);
    });

    it("starts a new fee payment whenever the token changes", async () => {
      const s = await loadScenario();
      const { distributor, token } = s;
      const { relayer } = accounts(s);
      const { token2, a1, b1, a2 } = await batchSetup(s);
      const logs = await logsOf(
        s,
        distributor.write.claimWithAuthorizations([[a1, a2, b1]], { account: relayer.account }),
      );
      assert.equal(transfersTo(logs, token.address, relayer.account.address).length, 2);
      assert.equal(transfersTo(logs, token2.address, relayer.account.address).length, 1);
      assert.equal(await balanceOf(token, relayer.account.address), 3n);
      assert.equal((await token2.read.balanceOf([relayer.account.address])) as bigint, 3n);
    });

    it("reverts as a whole when one authorization is bad", async () => {
      const s = await loadScenario();
      const { distributor, viem } = s;
      const { relayer } = accounts(s);
      const { a1, b1, c2 } = await batchSetup(s);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claimWithAuthorizations([[a1, { ...b1, fee: 3n }, c2]], { account: relayer.account }),
        distributor,
        "ClaimFeeTooHigh",
        [3n, 2n, 200n],
      );
      assert.deepEqual(await claimed(s, s.poolId, a1.leaf.account), [0n, 0n]);
    });
  });
});
