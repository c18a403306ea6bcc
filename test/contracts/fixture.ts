import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";
import { encodeAbiParameters, keccak256, parseEther } from "viem";

/** Deployment parameters used by the contract tests (seconds and wei). */
export const TEST_CONFIG = {
  epochSeconds: 3_600n,
  graceSeconds: 300n,
  challengeWindow: 86_400n,
  arbiterTimeout: 86_400n, // (challengeWindow + arbiterTimeout) / epochSeconds + 8 must not exceed maxPending (64)
  aggregatorBond: parseEther("10"),
  challengerBond: parseEther("1"),
  challengerShareBps: 5_000n,
};

export const LEAF_TYPES = ["address", "bytes32", "uint256", "uint256", "uint256", "bytes32"] as const;

export type Leaf = {
  account: Address;
  poolId: Hex;
  cumulativeAmount: bigint;
  epochBytes: bigint;
  epochAmount: bigint;
  receiptsRoot: Hex;
};

export function leafValues(l: Leaf): [Address, Hex, bigint, bigint, bigint, Hex] {
  return [l.account, l.poolId, l.cumulativeAmount, l.epochBytes, l.epochAmount, l.receiptsRoot];
}

export type PoolTotal = { poolId: Hex; amount: bigint };

/** The hash posted for an epoch's hidden data, as `EpochPosted.dataHash`. */
export function epochDataHash(aggregator: Address, bundleHash: Hex, poolTotals: PoolTotal[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple",
          components: [
            { name: "aggregator", type: "address" },
            { name: "bundleHash", type: "bytes32" },
            {
              name: "poolTotals",
              type: "tuple[]",
              components: [
                { name: "poolId", type: "bytes32" },
                { name: "amount", type: "uint256" },
              ],
            },
          ],
        },
      ],
      [{ aggregator, bundleHash, poolTotals }],
    ),
  );
}

export type DeployFixtureOptions = {
  /** Deploy on this connection instead of a fresh in-process chain (lets tests snapshot it with loadFixture). */
  connection?: NetworkConnection;
  /** Replaces parameters of TEST_CONFIG (and the genesis time, by default the start of the current hour). */
  config?: Partial<typeof TEST_CONFIG> & { genesisTime?: bigint };
};

/** A fresh in-process Hardhat chain with a token, a distributor and the roles wired to named wallets. */
export async function deployFixture(options: DeployFixtureOptions = {}) {
  const connection = options.connection ?? (await network.create());
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, guardian, arbiter, treasury, broadcaster, aggregator, challenger, ...others] =
    await viem.getWalletClients();
  const params = { ...TEST_CONFIG, ...options.config };
  const now = BigInt(await networkHelpers.time.latest());
  const genesisTime = options.config?.genesisTime ?? now - (now % params.epochSeconds);
  const config = { ...params, genesisTime };
  const core = await viem.deployContract("RewardDistributor", [
    admin.account.address,
    guardian.account.address,
    arbiter.account.address,
    treasury.account.address,
    config,
  ]);
  // The core delegates everything but claims, posts and funding to its extension: talk to it through the full ABI.
  const distributor = await viem.getContractAt("IRewardDistributor", core.address);
  const token = await viem.deployContract("TestToken", ["Test USD", "TUSD", 6]);
  const hasher = await viem.deployContract("MeshpayHasher");
  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    distributor,
    core,
    token,
    hasher,
    config,
    wallets: { admin, guardian, arbiter, treasury, broadcaster, aggregator, challenger, others },
  };
}
