import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Hex, hashDomain, maxUint256, zeroAddress, zeroHash } from "viem";
import { getDomainSeparator } from "../../src/protocol/eip712/getDomainSeparator.ts";
import { TEST_CONFIG } from "./fixture.ts";
import {
  closesAt,
  leaf,
  loadScenario,
  now,
  passWindow,
  postEpoch,
  type Scenario,
  type SystemState,
  timeTo,
} from "./scenario.ts";

async function systemState(s: Scenario): Promise<SystemState> {
  return (await s.distributor.read.systemState()) as SystemState;
}

describe("RewardDistributor views", () => {
  it("config, treasuryAddress, withdrawalNotice and epochClosesAt report the deployment parameters", async () => {
    const s = await loadScenario();
    const { distributor, config, wallets } = s;
    assert.deepEqual(await distributor.read.config(), {
      genesisTime: config.genesisTime,
      epochSeconds: TEST_CONFIG.epochSeconds,
      graceSeconds: TEST_CONFIG.graceSeconds,
      challengeWindow: TEST_CONFIG.challengeWindow,
      arbiterTimeout: TEST_CONFIG.arbiterTimeout,
      aggregatorBond: TEST_CONFIG.aggregatorBond,
      challengerBond: TEST_CONFIG.challengerBond,
      challengerShareBps: TEST_CONFIG.challengerShareBps,
    });
    assert.equal(
      ((await distributor.read.treasuryAddress()) as string).toLowerCase(),
      wallets.treasury.account.address.toLowerCase(),
    );
    assert.equal(
      await distributor.read.withdrawalNotice(),
      TEST_CONFIG.epochSeconds + TEST_CONFIG.graceSeconds + TEST_CONFIG.challengeWindow,
    );
    for (const e of [0n, 1n, 41n]) {
      assert.equal(
        await distributor.read.epochClosesAt([e]),
        config.genesisTime + (e + 1n) * TEST_CONFIG.epochSeconds + TEST_CONFIG.graceSeconds,
      );
    }
  });

  it("extension() is a separate contract holding the extension code; the distributor exposes its ERC-5267 domain", async () => {
    const s = await loadScenario();
    const { distributor, publicClient, viem } = s;
    const extension = (await distributor.read.extension()) as Hex;
    assert.notEqual(extension.toLowerCase(), distributor.address.toLowerCase());
    assert.notEqual(extension, zeroAddress);
    const code = await publicClient.getCode({ address: extension });
    assert.ok(code !== undefined && code.length > 2);
    const ext = await viem.getContractAt("RewardDistributorExtension", distributor.address);
    const [, name, version, chainId, verifyingContract] = (await ext.read.eip712Domain()) as readonly [
      Hex,
      string,
      string,
      bigint,
      Hex,
    ];
    assert.deepEqual(
      [name, version, chainId, verifyingContract.toLowerCase()],
      ["meshpay", "1", 31337n, distributor.address.toLowerCase()],
    );
  });

  it("domainSeparator() equals the protocol library's and viem's for the distributor's own address", async () => {
    const { distributor } = await loadScenario();
    const separator = await distributor.read.domainSeparator();
    const domain = { chainId: 31337, verifyingContract: distributor.address };
    assert.equal(separator, getDomainSeparator(domain));
    assert.equal(
      separator,
      hashDomain({
        domain: { name: "meshpay", version: "1", chainId: 31337n, verifyingContract: distributor.address },
        types: {
          EIP712Domain: [
            { name: "name", type: "string" },
            { name: "version", type: "string" },
            { name: "chainId", type: "uint256" },
            { name: "verifyingContract", type: "address" },
          ],
        },
      }),
    );
  });

  it("currentEpoch counts epochSeconds from genesis, and is 0 before genesis", async () => {
    const s = await loadScenario();
    const { distributor, config, networkHelpers, viem, wallets } = s;
    const start = (k: bigint) => config.genesisTime + k * TEST_CONFIG.epochSeconds;
    await timeTo(s, start(5n) - 1n);
    assert.equal(await distributor.read.currentEpoch(), 4n);
    await networkHelpers.time.increaseTo(start(5n));
    assert.equal(await distributor.read.currentEpoch(), 5n);
    const later = await viem.deployContract("RewardDistributor", [
      wallets.admin.account.address,
      wallets.guardian.account.address,
      wallets.arbiter.account.address,
      wallets.treasury.account.address,
      { ...config, genesisTime: (await now(s)) + 10_000n },
    ]);
    const future = await viem.getContractAt("IRewardDistributor", later.address);
    assert.equal(await future.read.currentEpoch(), 0n);
  });

  it("a fresh deployment reports an empty state", async () => {
    const s = await loadScenario();
    const { distributor, wallets } = s;
    // Never paused: the contract clock is unix time.
    const now = BigInt(await s.networkHelpers.time.latest());
    assert.deepEqual(await systemState(s), {
      nextEpoch: 0n,
      claimableEnd: 0n,
      blockedFrom: maxUint256,
      openChallenges: 0n,
      paused: false,
      claimRoot: zeroHash,
      challengeCount: 0n,
      repostEnd: 0n,
      clock: now,
      pausedAt: 0n,
      pauseEndsAt: 0n,
    });
    assert.equal(await distributor.read.clock(), now);
    assert.equal(await distributor.read.maxPoolTotals(), 128n);
    assert.equal(await distributor.read.maxPending(), 64n);
    assert.deepEqual(await distributor.read.latestClaimableEpoch(), [false, 0n]);
    assert.equal(await distributor.read.isClaimable([0n]), false);
    const nobody = wallets.others[9]!.account.address;
    assert.deepEqual(await distributor.read.claimed([s.poolId, nobody]), [0n, 0n]);
    assert.deepEqual(await distributor.read.aggregatorInfo([nobody]), {
      bond: 0n,
      exitAvailableAt: 0n,
      exitAfterEpoch: 0n,
      active: false,
    });
    assert.deepEqual(await distributor.read.challengeInfo([1n]), {
      challenger: zeroAddress,
      epoch: 0,
      openedAt: 0,
      status: 0,
      bond: 0n,
      evidenceHash: zeroHash,
      postSeq: 0,
    });
    assert.equal(await distributor.read.creditOf([nobody]), 0n);
  });

  it("a claim against the root latestClaimableEpoch reports works after more than 16 epochs ripened unrecorded", async () => {
    const s = await loadScenario();
    const { distributor } = s;
    const account = s.wallets.others[1]!.account.address;
    await timeTo(s, await closesAt(s, 19n));
    let last = await postEpoch(s, 0n, [leaf(account, s.poolId, 1n)], { keepTime: true });
    for (let e = 1n; e < 20n; e++) {
      last = await postEpoch(s, e, [leaf(account, s.poolId, e + 1n, 1n)], { keepTime: true });
    }
    await passWindow(s);
    assert.deepEqual(await distributor.read.latestClaimableEpoch(), [true, 19n]);
    assert.equal(await distributor.read.isClaimable([19n]), true);
    const newest = leaf(account, s.poolId, 20n, 1n);
    await distributor.write.claim([newest, last.proof(newest)]);
    assert.deepEqual(await distributor.read.claimed([s.poolId, account]), [20n, 1n]); // the direct claim moved the nonce on
    assert.equal(((await distributor.read.systemState()) as { claimableEnd: bigint }).claimableEnd, 20n);
  });
});
