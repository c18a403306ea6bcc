// The protocol library's test vectors (test/vectors/*.json, made for chainId 31337 and verifyingContract
// 0x5fbdb2315678afecb367f032d93f642f64180aa3) checked against the contract's OWN hashing: MeshpayHasher runs the
// MeshpayHashing library the RewardDistributor runs, and the distributor itself verifies signatures and proofs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type Address, type Hex, hashDomain, maxUint256 } from "viem";
import { getDomainSeparator } from "../../src/protocol/eip712/getDomainSeparator.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { Leaf } from "./fixture.ts";
import {
  balanceOf,
  closesAt,
  createPool,
  leaf,
  loadScenario,
  now,
  passWindow,
  postEpoch,
  type Scenario,
  timeTo,
} from "./scenario.ts";

type Json = Record<string, unknown>;
const read = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8"));
const eip712 = read("eip712.json") as {
  domain: { chainId: number; verifyingContract: Address };
  domainSeparator: Hex;
  typehashes: Record<string, Hex>;
  keys: Record<string, { privateKey: Hex; address: Address }>;
  tickets: { message: Json; structHash: Hex; digest: Hex }[];
  receipts: { message: Json; structHash: Hex; digest: Hex }[];
  claimAuthorizations: { message: Json; structHash: Hex; digest: Hex }[];
};
const rewards = read("rewards.json") as {
  leaves: Record<string, string>[];
  rewardTree: { root: Hex; leafHashes: Hex[]; proofs: Hex[][] };
  rewardTrees: { values: string[][]; root: Hex; leafHashes: Hex[] }[];
};

const ticket = (m: Json) => ({
  poolId: m.poolId as Hex,
  streamId: m.streamId as Hex,
  viewer: m.viewer as Address,
  notBefore: BigInt(m.notBefore as string),
  notAfter: BigInt(m.notAfter as string),
  maxBytes: BigInt(m.maxBytes as string),
});
const receipt = (m: Json) => ({
  poolId: m.poolId as Hex,
  ticketHash: m.ticketHash as Hex,
  relay: m.relay as Address,
  segment: BigInt(m.segment as string),
  chunk: m.chunk as number,
  chunkHash: m.chunkHash as Hex,
  size: m.size as number,
  deliveredAt: BigInt(m.deliveredAt as string),
});
const rewardLeaf = (l: Record<string, string>): Leaf => ({
  account: l.account as Address,
  poolId: l.poolId as Hex,
  cumulativeAmount: BigInt(l.cumulativeAmount!),
  epochBytes: BigInt(l.epochBytes!),
  epochAmount: BigInt(l.epochAmount!),
  receiptsRoot: l.receiptsRoot as Hex,
});
const valuesLeaf = (v: string[]): Leaf =>
  rewardLeaf({
    account: v[0]!,
    poolId: v[1]!,
    cumulativeAmount: v[2]!,
    epochBytes: v[3]!,
    epochAmount: v[4]!,
    receiptsRoot: v[5]!,
  });

/** The vectors' domain separator computed independently (viem), not read from the vectors. */
const VECTOR_DOMAIN_SEPARATOR = hashDomain({
  domain: {
    name: "meshpay",
    version: "1",
    chainId: BigInt(eip712.domain.chainId),
    verifyingContract: eip712.domain.verifyingContract,
  },
  types: {
    EIP712Domain: [
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
    ],
  },
});

async function getHasher() {
  return (await loadScenario()).hasher;
}

describe("protocol vectors against the contract's own hashing", () => {
  it("the vectors' domain separator is the EIP-712 domain of their chainId and verifyingContract", () => {
    assert.equal(VECTOR_DOMAIN_SEPARATOR, eip712.domainSeparator);
    assert.equal(getDomainSeparator(eip712.domain), eip712.domainSeparator);
  });

  it("MeshpayHasher's typehashes equal the vectors'", async () => {
    const h = await getHasher();
    assert.equal(await h.read.viewerTicketTypehash(), eip712.typehashes.ViewerTicket);
    assert.equal(await h.read.chunkReceiptTypehash(), eip712.typehashes.ChunkReceipt);
    assert.equal(await h.read.claimAuthorizationTypehash(), eip712.typehashes.ClaimAuthorization);
  });

  it("hashTicket and ticketDigest equal every ticket vector", async () => {
    const h = await getHasher();
    assert.ok(eip712.tickets.length > 0);
    for (const v of eip712.tickets) {
      assert.equal(await h.read.hashTicket([ticket(v.message)]), v.structHash);
      assert.equal(await h.read.ticketDigest([VECTOR_DOMAIN_SEPARATOR, ticket(v.message)]), v.digest);
    }
  });

  it("hashReceipt and receiptId equal every receipt vector", async () => {
    const h = await getHasher();
    assert.ok(eip712.receipts.length > 0);
    for (const v of eip712.receipts) {
      assert.equal(await h.read.hashReceipt([receipt(v.message)]), v.structHash);
      assert.equal(await h.read.receiptId([VECTOR_DOMAIN_SEPARATOR, receipt(v.message)]), v.digest);
    }
  });

  it("claimAuthorizationDigest equals every ClaimAuthorization vector", async () => {
    const h = await getHasher();
    assert.ok(eip712.claimAuthorizations.length > 0);
    for (const { message: m, digest } of eip712.claimAuthorizations) {
      const args = [
        VECTOR_DOMAIN_SEPARATOR,
        m.poolId as Hex,
        m.account as Address,
        m.recipient as Address,
        BigInt(m.maxFee as string),
        BigInt(m.nonce as string),
        BigInt(m.deadline as string),
      ] as const;
      assert.equal(await h.read.claimAuthorizationDigest(args), digest);
    }
  });

  it("leafHash equals the reward tree's leaf hashes", async () => {
    const h = await getHasher();
    assert.equal(rewards.leaves.length, rewards.rewardTree.leafHashes.length);
    for (const [i, l] of rewards.leaves.entries()) {
      assert.equal(await h.read.leafHash([rewardLeaf(l)]), rewards.rewardTree.leafHashes[i]);
    }
    for (const t of rewards.rewardTrees) {
      for (const [i, v] of t.values.entries()) assert.equal(await h.read.leafHash([valuesLeaf(v)]), t.leafHashes[i]);
    }
  });

  it("the distributor verifies the vectors' reward proofs against their root", async () => {
    const s = await loadScenario();
    const { distributor, wallets, viem } = s;
    await timeTo(s, await closesAt(s, 0n));
    await distributor.write.postEpoch([0n, rewards.rewardTree.root, [], rewards.rewardTree.root, ""], {
      account: wallets.aggregator.account,
    });
    await passWindow(s);
    // The vectors' pools do not exist here, so every valid proof stops at the pool cap (owed 0): the claim got
    // past the proof check. A leaf changed by one unit does not.
    for (const [i, l] of rewards.leaves.entries()) {
      const v = rewardLeaf(l);
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([v, rewards.rewardTree.proofs[i]!]),
        distributor,
        "PoolAllocationExceeded",
        [v.poolId, v.cumulativeAmount, 0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        distributor.write.claim([{ ...v, epochBytes: v.epochBytes + 1n }, rewards.rewardTree.proofs[i]!]),
        distributor,
        "ClaimInvalidProof",
        [v.poolId, v.account],
      );
    }
  });

  it("the distributor's domainSeparator() is the library's for its own address, and accepts a library-signed ClaimAuthorization", async () => {
    const s = await loadScenario();
    const { distributor, token } = s;
    const domain = { chainId: 31337, verifyingContract: distributor.address };
    assert.equal(await distributor.read.domainSeparator(), getDomainSeparator(domain));
    // relayB's key is a Hardhat account: it earns, and a relayer claims for it with the library's 64-byte signature.
    const relay = eip712.keys.relayB!;
    const { pool, proofLeaf, e0 } = await earn(s, relay.address);
    const deadline = (await now(s)) + 3_600n;
    const { signature } = signClaimAuthorization(
      { poolId: pool, account: relay.address, recipient: relay.address, maxFee: 2n, nonce: 0n, deadline },
      domain,
      relay.privateKey,
      "64",
    );
    assert.equal((signature.length - 2) / 2, 64);
    await distributor.write.claimWithAuthorization(
      [
        {
          leaf: proofLeaf,
          proof: e0.proof(proofLeaf),
          recipient: relay.address,
          maxFee: 2n,
          nonce: 0n,
          deadline,
          fee: 2n,
          r: `0x${signature.slice(2, 66)}` as Hex,
          vs: `0x${signature.slice(66)}` as Hex,
        },
      ],
      { account: s.wallets.others[4]!.account },
    );
    assert.equal(await balanceOf(token, relay.address), proofLeaf.cumulativeAmount - 2n);
  });
});

/** A fresh pool paying `account` 1,000 in a claimable epoch. */
async function earn(s: Scenario, account: Address) {
  const owner = s.wallets.broadcaster;
  const pool = await createPool(s, owner, s.token.address);
  await s.token.write.approve([s.distributor.address, maxUint256], { account: owner.account });
  await s.distributor.write.fund([pool, 1_000n], { account: owner.account });
  const proofLeaf = leaf(account, pool, 1_000n);
  const e0 = await postEpoch(s, 0n, [proofLeaf, leaf(s.wallets.others[1]!.account.address, pool, 0n)]);
  await passWindow(s);
  return { pool, proofLeaf, e0 };
}
