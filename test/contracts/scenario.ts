// Shared set-up and helpers of the RewardDistributor tests: one in-process chain per test process, reverted to a
// funded pool and a registered aggregator by every loadScenario() (networkHelpers.loadFixture snapshots it).
import assert from "node:assert/strict";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import {
  type Abi,
  type Address,
  type Hex,
  keccak256,
  maxUint256,
  parseEventLogs,
  parseSignature,
  toHex,
  type WalletClient,
  zeroHash,
} from "viem";
import { deployFixture, LEAF_TYPES, type Leaf, leafValues, type PoolTotal, TEST_CONFIG } from "./fixture.ts";

/** 1,000 tokens of 6 decimals: what the scenario's pool holds. */
export const POOL_FUNDS = 1_000_000_000n;
/** Token base units per 10^9 bytes. */
export const PRICE = 10_000n;
export const METADATA_URI = "ipfs://pool-metadata";
export const BUNDLE_URI = "ipfs://bundle";

/** Views as the contract returns them (the ABI types are not visible to tsc, so reads are cast to these). */
export type PoolInfo = {
  token: Address;
  owner: Address;
  ticketSigner: Address;
  pricePerGB: bigint;
  unallocated: bigint;
  owed: bigint;
  withdrawalAmount: bigint;
  withdrawalAvailableAt: bigint;
  withdrawalExpiresAt: bigint;
  pendingOwner: Address;
  metadataURI: string;
};
export type SystemState = {
  nextEpoch: bigint;
  claimableEnd: bigint;
  blockedFrom: bigint;
  openChallenges: bigint;
  paused: boolean;
  claimRoot: Hex;
  challengeCount: bigint;
  repostEnd: bigint;
  clock: bigint;
  pausedAt: bigint;
  pauseEndsAt: bigint;
};
export type EpochInfo = {
  root: Hex;
  postedAt: bigint;
  claimableAt: bigint;
  dataHash: Hex;
  openChallenges: bigint;
  posted: boolean;
  claimable: boolean;
  aggregator: Address;
  postSeq: bigint;
};
export type AggregatorInfo = { bond: bigint; exitAvailableAt: bigint; exitAfterEpoch: bigint; active: boolean };
export type ChallengeInfo = {
  challenger: Address;
  epoch: number;
  openedAt: number;
  status: number;
  bond: bigint;
  evidenceHash: Hex;
  postSeq: number;
};
/** ChallengeStatus enum values. */
export const ChallengeStatus = { None: 0, Open: 1, Upheld: 2, Dismissed: 3, Expired: 4, Voided: 5 } as const;

export type EpochData = { aggregator: Address; bundleHash: Hex; poolTotals: PoolTotal[] };

/** An epoch as posted by `postEpoch`: its tree, proofs and the EpochData that rejection takes back. */
export type PostedEpoch = {
  epoch: bigint;
  root: Hex;
  tree: StandardMerkleTree<ReturnType<typeof leafValues>>;
  poolTotals: PoolTotal[];
  bundleHash: Hex;
  data: EpochData;
  hash: Hex;
  proof: (leaf: Leaf) => Hex[];
};

let sharedConnection: NetworkConnection | undefined;

async function connection(): Promise<NetworkConnection> {
  sharedConnection ??= await network.create();
  return sharedConnection;
}

/** The test file's chain with the distributor, a funded pool and a registered aggregator. */
async function scenarioFixture() {
  const f = await deployFixture({ connection: await connection() });
  const { distributor, token, wallets } = f;
  const { broadcaster, aggregator, others } = f.wallets;
  const ticketSigner = others[0]!;
  await token.write.mint([broadcaster.account.address, POOL_FUNDS * 100n]);
  await token.write.approve([distributor.address, maxUint256], { account: broadcaster.account });
  const poolId = await createPool(f, broadcaster, token.address, PRICE, ticketSigner.account.address);
  await distributor.write.fund([poolId, POOL_FUNDS], { account: broadcaster.account });
  await distributor.write.registerAggregator([], { account: aggregator.account, value: TEST_CONFIG.aggregatorBond });
  return { ...f, poolId, ticketSigner, wallets };
}

export type Scenario = Awaited<ReturnType<typeof scenarioFixture>>;

/** Reverts the file's chain to the scenario's initial state (deploying it the first time). */
export async function loadScenario(): Promise<Scenario> {
  const conn = await connection();
  return conn.networkHelpers.loadFixture(scenarioFixture);
}

/** Creates a pool and returns its id, read from PoolCreated. */
export async function createPool(
  s: Pick<Scenario, "distributor" | "publicClient">,
  owner: WalletClient,
  token: Address,
  pricePerGB: bigint = PRICE,
  ticketSigner: Address = owner.account!.address,
  metadataURI: string = METADATA_URI,
): Promise<Hex> {
  const hash = await s.distributor.write.createPool([token, pricePerGB, ticketSigner, metadataURI], {
    account: owner.account!,
  });
  const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
  const [log] = parseEventLogs({ abi: s.distributor.abi as Abi, logs: receipt.logs, eventName: "PoolCreated" });
  return (log as unknown as { args: { poolId: Hex } }).args.poolId;
}

/** `uint256(uint160(token)) << 96 | sequence`. */
export function toPoolId(token: Address, sequence: bigint): Hex {
  return toHex((BigInt(token) << 96n) | sequence, { size: 32 });
}

/** A leaf with a receipts root derived from its fields (any value works: the contract only hashes it). */
export function leaf(account: Address, poolId: Hex, cumulativeAmount: bigint, epochAmount = cumulativeAmount): Leaf {
  return {
    account,
    poolId,
    cumulativeAmount,
    epochBytes: epochAmount * 100_000n,
    epochAmount,
    receiptsRoot: keccak256(toHex(`${account}:${poolId}:${cumulativeAmount}`)),
  };
}

/** Each pool's sum of `epochAmount`, ascending by pool id (what an honest aggregator posts). */
export function poolTotalsOf(leaves: Leaf[]): PoolTotal[] {
  const totals = new Map<bigint, bigint>();
  for (const l of leaves) totals.set(BigInt(l.poolId), (totals.get(BigInt(l.poolId)) ?? 0n) + l.epochAmount);
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([poolId, amount]) => ({ poolId: toHex(poolId, { size: 32 }), amount }));
}

/** StandardMerkleTree over the leaves, with a proof lookup by leaf. */
export function buildTree(leaves: Leaf[]) {
  const tree = StandardMerkleTree.of(leaves.map(leafValues), [...LEAF_TYPES]);
  const proof = (l: Leaf): Hex[] => {
    const wanted = JSON.stringify(leafValues(l), (_, v) => (typeof v === "bigint" ? v.toString() : v));
    for (const [i, v] of tree.entries()) {
      if (JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)) === wanted) {
        return tree.getProof(i) as Hex[];
      }
    }
    throw new Error("leaf not in tree");
  };
  return { tree, root: tree.root as Hex, proof };
}

export async function now(s: Pick<Scenario, "networkHelpers">): Promise<bigint> {
  return BigInt(await s.networkHelpers.time.latest());
}

/** Moves the chain's clock to `timestamp` (the next block is mined at it), unless it is already past. */
export async function timeTo(s: Pick<Scenario, "networkHelpers">, timestamp: bigint): Promise<void> {
  if ((await now(s)) < timestamp) await s.networkHelpers.time.increaseTo(timestamp);
}

export async function closesAt(s: Pick<Scenario, "config">, epoch: bigint): Promise<bigint> {
  return s.config.genesisTime + (epoch + 1n) * s.config.epochSeconds + s.config.graceSeconds;
}

/** Passes the challenge window of everything posted so far. */
export async function passWindow(s: Pick<Scenario, "networkHelpers" | "config">): Promise<void> {
  await s.networkHelpers.time.increase(s.config.challengeWindow);
}

const EMPTY_EPOCH_ACCOUNT: Address = "0x0000000000000000000000000000000000000001";

export type PostOptions = {
  /** Defaults to poolTotalsOf(leaves). */
  poolTotals?: PoolTotal[];
  aggregator?: WalletClient;
  bundleHash?: Hex;
  /** Leave the clock alone (default: move it to the epoch's close if needed). */
  keepTime?: boolean;
  /** Post a rejected epoch again with repostEpoch, giving the rejected post's EpochData. */
  replaced?: EpochData;
};

/**
 * Posts `epoch` with a tree over `leaves` (moving time to its close first); returns everything tests need. With
 * `replaced`, posts a rejected epoch again through repostEpoch. `data` assumes every total was covered (a capped
 * post's EpochData has the allocated amounts instead).
 */
export async function postEpoch(
  s: Scenario,
  epoch: bigint,
  leaves: Leaf[],
  options: PostOptions = {},
): Promise<PostedEpoch> {
  const aggregator = options.aggregator ?? s.wallets.aggregator;
  // A tree needs a leaf: an epoch without rewards gets a zero leaf of a pool that does not exist.
  const { tree, root, proof } = buildTree(leaves.length > 0 ? leaves : [leaf(EMPTY_EPOCH_ACCOUNT, zeroHash, 0n)]);
  const poolTotals = options.poolTotals ?? poolTotalsOf(leaves);
  const bundleHash = options.bundleHash ?? keccak256(toHex(`bundle-${epoch}-${root}`));
  if (!options.keepTime) await timeTo(s, await closesAt(s, epoch));
  const account = aggregator.account!;
  const hash = options.replaced
    ? await s.distributor.write.repostEpoch([epoch, root, poolTotals, bundleHash, BUNDLE_URI, options.replaced], {
        account,
      })
    : await s.distributor.write.postEpoch([epoch, root, poolTotals, bundleHash, BUNDLE_URI], { account });
  return {
    epoch,
    root,
    tree,
    poolTotals,
    bundleHash,
    data: { aggregator: aggregator.account!.address, bundleHash, poolTotals },
    hash,
    proof,
  };
}

/** Opens a challenge with the exact bond and returns its id (from the challenge count). */
export async function openChallenge(s: Scenario, epoch: bigint, challenger: WalletClient = s.wallets.challenger) {
  const evidenceHash = keccak256(toHex(`evidence-${epoch}`));
  const hash = await s.distributor.write.challenge([epoch, evidenceHash, "ipfs://evidence"], {
    account: challenger.account!,
    value: s.config.challengerBond,
  });
  const state = (await s.distributor.read.systemState()) as SystemState;
  return { id: state.challengeCount, evidenceHash, hash };
}

export type AuthorizationParams = {
  leaf: Leaf;
  proof: Hex[];
  recipient: Address;
  maxFee: bigint;
  nonce: bigint;
  deadline: bigint;
  fee: bigint;
};

/** EIP-2098 compact form of a 65-byte signature: (r, vs = s | yParity << 255). */
export function toCompact(signature: Hex): { r: Hex; vs: Hex } {
  const { r, s, yParity } = parseSignature(signature);
  return { r, vs: toHex(BigInt(s) | (BigInt(yParity!) << 255n), { size: 32 }) };
}

/**
 * The account's wallet signs the ClaimAuthorization (eth_signTypedData_v4, 65 bytes); returned as an AuthorizedClaim.
 */
export async function authorize(
  s: Scenario,
  signer: WalletClient,
  p: AuthorizationParams,
  domain: { chainId: number; verifyingContract: Address } = {
    chainId: 31337,
    verifyingContract: s.distributor.address,
  },
) {
  const signature = await signer.signTypedData({
    account: signer.account!,
    domain: { name: "meshpay", version: "1", ...domain },
    types: {
      ClaimAuthorization: [
        { name: "poolId", type: "bytes32" },
        { name: "account", type: "address" },
        { name: "recipient", type: "address" },
        { name: "maxFee", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint64" },
      ],
    },
    primaryType: "ClaimAuthorization",
    message: {
      poolId: p.leaf.poolId,
      account: p.leaf.account,
      recipient: p.recipient,
      maxFee: p.maxFee,
      nonce: p.nonce,
      deadline: p.deadline,
    },
  });
  return {
    signature,
    claim: {
      leaf: p.leaf,
      proof: p.proof,
      recipient: p.recipient,
      maxFee: p.maxFee,
      nonce: p.nonce,
      deadline: p.deadline,
      fee: p.fee,
      ...toCompact(signature),
    },
  };
}

/** Token balance of `account`. */
export async function balanceOf(token: Scenario["token"], account: Address): Promise<bigint> {
  return (await token.read.balanceOf([account])) as bigint;
}

/**
 * Asserts that the transaction emitted `eventName` from the distributor with these named arguments (addresses
 * compared case-insensitively). By name rather than position, so it does not depend on which fields are indexed.
 */
export async function expectEvent(
  s: Pick<Scenario, "distributor" | "publicClient">,
  hash: Hex | Promise<Hex>,
  eventName: string,
  expected: Record<string, unknown>,
): Promise<void> {
  const receipt = await s.publicClient.waitForTransactionReceipt({ hash: await hash });
  const logs = parseEventLogs({
    abi: s.distributor.abi as Abi,
    logs: receipt.logs.filter((l) => l.address.toLowerCase() === s.distributor.address.toLowerCase()),
    eventName,
  }) as unknown as { args: Record<string, unknown> }[];
  const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  const matches = (args: Record<string, unknown>) =>
    Object.entries(expected).every(([k, v]) => norm(args[k]) === norm(v));
  if (!logs.some((l) => matches(l.args))) {
    const seen = logs.map((l) => JSON.stringify(l.args, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
    throw new assert.AssertionError({
      message:
        `no ${eventName} with ${JSON.stringify(expected, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}; ` +
        `emitted: [${seen.join(", ")}]`,
    });
  }
}

/** eth_call of a state-changing distributor function: its return value, without sending a transaction. */
export async function simulate(
  s: Pick<Scenario, "distributor" | "publicClient">,
  functionName: string,
  args: readonly unknown[],
  account: WalletClient,
): Promise<unknown> {
  const { result } = await s.publicClient.simulateContract({
    address: s.distributor.address,
    abi: s.distributor.abi as Abi,
    functionName,
    args,
    account: account.account!,
  });
  return result;
}
