import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAbiItem, toFunctionSelector } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedClaimAuthorizationToJson } from "../../src/protocol/wire/signedClaimAuthorizationToJson.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { makeDataDir, startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

const TOKEN_PER_ETH = 3_000_000_000n; // 3,000 tokens (6 decimals) per ETH

// Paid claims through the verifier, on a real chain with honest, claimable epochs.
describe("paid claims", () => {
  let chain: VerifierChain;
  let driver: Awaited<ReturnType<typeof createEpochDriver>>;
  let verifier: Awaited<ReturnType<typeof startTestVerifier>>;
  let dir: string;
  const [r0, r1, r2] = [0, 1, 2];

  before(async () => {
    // 1,000 tokens per GB so that a few MB earn more than the gas of relaying them.
    chain = await setupVerifierChain({ price: 1_000_000_000n, funds: 10n ** 12n });
    driver = await createEpochDriver(chain);
    dir = makeDataDir();
    verifier = await startTestVerifier(
      chain,
      {
        claims: {
          batchWaitMs: 0,
          minDeadlineSeconds: 30,
          tokenPerEth: { [chain.token.address]: TOKEN_PER_ETH.toString() },
        },
      },
      dir,
    );
    const v = chain.makeViewer();
    const w = chain.makeViewer();
    await driver.post(0n, {
      tickets: [v.ticket, w.ticket],
      receipts: [
        ...v.receipts({ relay: chain.relays[r0]!.address, epoch: 0n, count: 3 }),
        ...w.receipts({ relay: chain.relays[r1]!.address, epoch: 0n, count: 2 }),
        ...w.receipts({ relay: chain.relays[r2]!.address, epoch: 0n, count: 4 }),
      ],
    });
    await verifier.tick();
    await chain.time.increase(CHAIN_CONFIG.challengeWindow);
    await verifier.tick();
  });
  after(async () => {
    await verifier.close();
    await driver.close();
  });

  const chainTime = async () => (await chain.publicClient.getBlock()).timestamp;
  async function authorize(
    relay: number,
    over: { nonce?: bigint; deadline?: bigint; maxFee?: bigint; signer?: Hex; recipient?: Address } = {},
  ) {
    const recipient = over.recipient ?? (privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address);
    const authorization = {
      poolId: chain.poolId,
      account: chain.relays[relay]!.address,
      recipient,
      maxFee: over.maxFee ?? 2_000_000n,
      nonce: over.nonce ?? 0n,
      deadline: over.deadline ?? (await chainTime()) + 3_600n,
    };
    return {
      recipient,
      body: signedClaimAuthorizationToJson(
        signClaimAuthorization(authorization, chain.domain, over.signer ?? chain.relays[relay]!.key),
      ),
    };
  }
  const post = async (body: unknown) => {
    const res = await fetch(`${verifier.url}/v1/claims`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const get = async (id: string) => (await fetch(`${verifier.url}/v1/claims/${id}`)).json();
  const balanceOf = (a: Address) =>
    chain.publicClient.readContract({
      address: chain.token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [a],
    });

  it("pays a queued claim: the recipient gets the amount due minus a fee within maxFee that covers the gas", async () => {
    const { recipient, body } = await authorize(r0);
    const queued = await post(body);
    assert.equal(queued.status, 202);
    assert.equal(queued.json.status, "queued");
    assert.equal(queued.json.amount, "3000000");
    const feesBefore = await balanceOf(verifier.account!);
    await verifier.tick();
    await verifier.tick();
    const paid = await get(queued.json.id);
    assert.equal(paid.status, "paid");
    assert.match(paid.txHash, /^0x[0-9a-f]{64}$/);
    const fee = BigInt(paid.fee);
    assert.equal(paid.amount, "3000000");
    assert.equal(BigInt(paid.net), 3_000_000n - fee);
    assert.equal(await balanceOf(recipient), 3_000_000n - fee);
    assert.equal((await balanceOf(verifier.account!)) - feesBefore, fee);
    // The fee is the gas actually spent converted at the configured price, give or take the estimate's margin.
    const receipt = await chain.publicClient.getTransactionReceipt({ hash: paid.txHash });
    const spent = (receipt.gasUsed * receipt.effectiveGasPrice * TOKEN_PER_ETH) / 10n ** 18n;
    assert.ok(fee > 0n && fee <= 2_000_000n);
    assert.ok(fee >= spent, `fee ${fee} covers the gas spent (${spent})`);
    assert.ok(
      fee <= (spent * 13n) / 10n + 1n,
      `fee ${fee} is not more than the gas (${spent}) plus the estimate's margin`,
    );
    const [claimed, nonce] = await chain.publicClient.readContract({
      address: chain.distributor.address,
      abi: rewardDistributorAbi,
      functionName: "claimed",
      args: [chain.poolId, chain.relays[r0]!.address],
    });
    assert.equal(claimed, 3_000_000n);
    assert.equal(nonce, 1n);
  });

  it("refuses a replayed authorization (its nonce is used) and a new one with nothing left to pay", async () => {
    const replay = await authorize(r0, { nonce: 0n });
    const res = await post(replay.body);
    assert.equal(res.status, 409);
    assert.equal(res.json.code, "AUTHORIZATION_NONCE_USED");
    const next = await post((await authorize(r0, { nonce: 1n })).body);
    assert.equal(next.status, 422);
    assert.equal(next.json.code, "NOTHING_DUE");
  });

  it("refuses an expired authorization, one signed by someone else, a too-small maxFee and a malformed one (a nonce above the next is allowed: it retires older ones)", async () => {
    const expired = await post((await authorize(r1, { deadline: (await chainTime()) - 1n })).body);
    assert.deepEqual([expired.status, expired.json.code], [422, "AUTHORIZATION_EXPIRED"]);
    const tooSoon = await post((await authorize(r1, { deadline: (await chainTime()) + 10n })).body);
    assert.deepEqual([tooSoon.status, tooSoon.json.code], [422, "AUTHORIZATION_EXPIRED"]);
    const foreign = await post((await authorize(r1, { signer: chain.relays[r2]!.key })).body);
    assert.deepEqual([foreign.status, foreign.json.code], [403, "AUTHORIZATION_SIGNER_MISMATCH"]);
    assert.equal(foreign.json.details.signer, chain.relays[r2]!.address);
    const cheap = await post((await authorize(r1, { maxFee: 1n })).body);
    assert.deepEqual([cheap.status, cheap.json.code], [422, "MAX_FEE_TOO_LOW"]);
    const { body } = await authorize(r1);
    const malformed = await post({ ...body, authorization: { ...body.authorization, nonce: 3 } });
    assert.deepEqual([malformed.status, malformed.json.code], [400, "AUTHORIZATION_INVALID"]);
    assert.equal(malformed.json.details.field, "authorization.nonce");
    const stranger = generatePrivateKey();
    const noLeaf = await post(
      signedClaimAuthorizationToJson(
        signClaimAuthorization(
          {
            poolId: chain.poolId,
            account: privateKeyToAccount(stranger).address,
            recipient: privateKeyToAccount(stranger).address,
            maxFee: 10n ** 6n,
            nonce: 0n,
            deadline: (await chainTime()) + 3_600n,
          },
          chain.domain,
          stranger,
        ),
      ),
    );
    assert.deepEqual([noLeaf.status, noLeaf.json.code], [404, "LEAF_NOT_FOUND"]);
    const notJson = await fetch(`${verifier.url}/v1/claims`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    assert.deepEqual([notJson.status, (await notJson.json()).code], [400, "REQUEST_INVALID_JSON"]);
  });

  it("batches claims from several operators into one claimWithAuthorizations transaction", async () => {
    const a = await authorize(r1);
    const b = await authorize(r2);
    const qa = await post(a.body);
    const qb = await post(b.body);
    assert.equal(qa.status, 202);
    // Retrying the same request while it is queued returns the same claim.
    const retry = await post(a.body);
    assert.equal(retry.status, 200);
    assert.equal(retry.json.id, qa.json.id);
    await verifier.tick();
    await verifier.tick();
    const [pa, pb] = [await get(qa.json.id), await get(qb.json.id)];
    assert.equal(pa.status, "paid");
    assert.equal(pb.status, "paid");
    assert.equal(pa.txHash, pb.txHash);
    const tx = await chain.publicClient.getTransaction({ hash: pa.txHash });
    assert.equal(
      tx.input.slice(0, 10),
      toFunctionSelector(getAbiItem({ abi: rewardDistributorAbi, name: "claimWithAuthorizations" })),
    );
    assert.equal(await balanceOf(a.recipient), 2_000_000n - BigInt(pa.fee));
    assert.equal(await balanceOf(b.recipient), 4_000_000n - BigInt(pb.fee));
  });

  it("survives a restart without double submission: a transaction lost before it was mined is re-sent with the same bytes", async () => {
    // A new epoch gives relay 0 more to claim.
    const v = chain.makeViewer({ fromEpoch: 0n });
    await driver.post(1n, {
      tickets: [v.ticket],
      receipts: v.receipts({ relay: chain.relays[r0]!.address, epoch: 1n, count: 5 }),
    });
    await verifier.tick();
    await chain.time.increase(CHAIN_CONFIG.challengeWindow);
    await verifier.tick();
    const { recipient, body } = await authorize(r0, { nonce: 1n });
    const queued = await post(body);
    assert.equal(queued.status, 202);
    assert.equal(queued.json.amount, "5000000");

    await chain.rpc("evm_setAutomine", [false]);
    try {
      await verifier.tick(); // signs, records, broadcasts into the mempool
      const submitted = await get(queued.json.id);
      assert.equal(submitted.status, "submitted");
      // The process dies and the node loses the transaction (as if the broadcast never happened).
      await verifier.close();
      await chain.rpc("hardhat_dropTransaction", [submitted.txHash]);
      verifier = await startTestVerifier(
        chain,
        {
          claims: {
            batchWaitMs: 0,
            minDeadlineSeconds: 30,
            tokenPerEth: { [chain.token.address]: TOKEN_PER_ETH.toString() },
          },
        },
        dir,
      );
      await verifier.tick(); // reconciles: rebroadcasts the recorded bytes, sends nothing new
      const pending = (await chain.rpc("eth_getBlockByNumber", ["pending", false])) as { transactions: Hex[] };
      assert.deepEqual(pending.transactions, [submitted.txHash]);
      await chain.mine();
      await verifier.tick();
      const paid = await get(queued.json.id);
      assert.equal(paid.status, "paid");
      assert.equal(paid.txHash, submitted.txHash);
      assert.equal(await balanceOf(recipient), 5_000_000n - BigInt(paid.fee));
      const txs = await verifier.store.sql.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM transactions WHERE kind = 'claims' AND ref IN (SELECT ref FROM transactions " +
          "WHERE hash = ?)",
        [submitted.txHash],
      );
      assert.equal(txs?.n, 1);
    } finally {
      await chain.rpc("evm_setAutomine", [true]);
    }
  });
});
