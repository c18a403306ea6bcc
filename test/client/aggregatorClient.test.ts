// The typed client (src/client) against the real aggregator process on a real local chain: every aggregator function,
// the error mapping (400, 404, 409, 429, 503 with Retry-After, no answer, timeout, abort) and the page iterators.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import { createAggregatorClient } from "../../src/client/createAggregatorClient.ts";
import { createVerifierClient } from "../../src/client/createVerifierClient.ts";
import { getAccountRewards } from "../../src/client/getAccountRewards.ts";
import { getAudit } from "../../src/client/getAudit.ts";
import { getEpoch } from "../../src/client/getEpoch.ts";
import { getEpochLeaf } from "../../src/client/getEpochLeaf.ts";
import { getPool } from "../../src/client/getPool.ts";
import { iterateEpochLeaves } from "../../src/client/iterateEpochLeaves.ts";
import { iterateEpochs } from "../../src/client/iterateEpochs.ts";
import { iteratePools } from "../../src/client/iteratePools.ts";
import { listEpochLeaves } from "../../src/client/listEpochLeaves.ts";
import { listEpochs } from "../../src/client/listEpochs.ts";
import { listPools } from "../../src/client/listPools.ts";
import { MeshpayApiError } from "../../src/client/MeshpayApiError.ts";
import { openBundle } from "../../src/client/openBundle.ts";
import { postReceipts } from "../../src/client/postReceipts.ts";
import type { AggregatorClient } from "../../src/client/ServiceClient.ts";
import { rewardLeafFromJson } from "../../src/protocol/bundle/rewardLeafFromJson.ts";
import { hashRewardLeaf } from "../../src/protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../src/protocol/tree/verifyMerkleProof.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
} from "../aggregator/helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "../aggregator/helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "../aggregator/helpers/receipts.ts";
import { type RpcProxy, startRpcProxy } from "../aggregator/helpers/rpcProxy.ts";

const PRICE = 10n ** 9n; // one token unit per byte

/** Awaits `promise`, which must reject with a MeshpayApiError; returns it. */
async function apiError(promise: Promise<unknown>): Promise<MeshpayApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MeshpayApiError, String(err));
    return err;
  }
  assert.fail("expected a MeshpayApiError");
}

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe("typed aggregator client against the real aggregator", () => {
  let chain: LocalChain;
  let proxy: RpcProxy;
  let d: Deployment;
  let agg: AggregatorProcess;
  let client: AggregatorClient;
  let signer: Signer;
  let pools: Hex[];
  let relay: Hex;
  let relay2: Hex;
  let epoch: number;
  let k = 0;
  const tsKey = keyFor("client-ticket-signer");
  const batch = (by: Hex, pool: Hex, size: number) => {
    const s = viewerSession(signer, {
      poolId: pool,
      ticketSignerKey: tsKey,
      viewerLabel: `client-viewer-${k}`,
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const receipt = s.receipt({ relay: by, segment: BigInt(k++), chunk: 0, size, deliveredAt: BigInt(Date.now()) });
    return { relay: by, tickets: [s.signedTicket], receipts: [receipt.json] };
  };

  before(async () => {
    chain = await startLocalChain();
    proxy = await startRpcProxy(chain.rpcUrl);
    d = await deployMeshpay(chain, { epochSeconds: 5, graceSeconds: 1, challengeWindow: 4 });
    const ticketSigner = addressOf(tsKey);
    pools = [];
    for (let i = 0; i < 3; i++)
      pools.push(await createFundedPool(chain, d, { pricePerGB: PRICE, funding: 10n ** 12n, ticketSigner }));
    relay = chain.account(roles.relay).address.toLowerCase() as Hex;
    relay2 = chain.account(roles.relay2).address.toLowerCase() as Hex;
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    const dir = makeWorkDir("client");
    agg = await startAggregatorProcess({
      dir,
      config: aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: proxy.url,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
        // Three requests per relay, then one every 20 s: the flood below meets 429.
        overrides: { rateLimit: { requestsPerSecond: 0.05, requestBurst: 3 } },
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
    client = createAggregatorClient({ url: agg.url });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await proxy?.close();
    await chain?.stop();
  });

  it("postReceipts: accepted per receipt, the same key and body replayed, the same key with another body 409 (not retryable)", async () => {
    const body = batch(relay, pools[0]!, 10_000);
    const first = await postReceipts(client, { body, idempotencyKey: "client-1" });
    assert.equal(first.status, 200);
    assert.equal(first.idempotencyKey, "client-1");
    assert.equal(first.replayed, false);
    assert.deepEqual(
      first.results.map((r) => r.status),
      ["accepted"],
    );
    epoch = Number(first.results[0]!.epoch);
    const again = await postReceipts(client, { body: JSON.stringify(body), idempotencyKey: "client-1" });
    assert.equal(again.replayed, true);
    assert.equal(again.text, first.text);

    const reused = await apiError(
      postReceipts(client, { body: batch(relay, pools[0]!, 1), idempotencyKey: "client-1" }),
    );
    assert.deepEqual([reused.status, reused.code, reused.retryable], [409, "IDEMPOTENCY_KEY_REUSED", false]);
    assert.equal(reused.service, "aggregator");
    assert.match(reused.message, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/receipts/);

    // The same epoch: another relay in pool 0 (the tree has several leaves, proofs are not empty) and pool 1.
    for (const [by, pool] of [
      [relay2, pools[0]!],
      [relay, pools[1]!],
    ] as const) {
      const r = await postReceipts(client, { body: batch(by, pool, 2_000), idempotencyKey: `client-${k}` });
      assert.equal(r.results[0]!.status, "accepted", r.text);
      assert.equal(Number(r.results[0]!.epoch), epoch, "all in one epoch (the test needs 5 s of epoch left)");
    }
  });

  it("429 RATE_LIMITED is retryable and carries Retry-After as retryAfterMs", async () => {
    let limited: MeshpayApiError | undefined;
    for (let i = 0; i < 5 && !limited; i++)
      try {
        await postReceipts(client, { body: batch(relay2, pools[2]!, 100), idempotencyKey: `flood-${i}` });
      } catch (err) {
        assert.ok(err instanceof MeshpayApiError);
        limited = err;
      }
    assert.ok(limited, "the flood was limited");
    assert.deepEqual([limited.status, limited.code, limited.retryable], [429, "RATE_LIMITED", true]);
    assert.ok(limited.retryAfterMs !== undefined && limited.retryAfterMs >= 1000, String(limited.retryAfterMs));
  });

  it("getEpoch, getEpochLeaf (null for no leaf, EPOCH_NOT_FOUND throws), listEpochLeaves and iterateEpochLeaves over pages", async () => {
    const posted = await waitFor(
      `epoch ${epoch} posted`,
      async () => {
        const e = await getEpoch(client, { epoch });
        return e.post?.root && e.post.state !== "pending" ? e : null;
      },
      60_000,
      200,
    );
    assert.equal(posted.epoch, epoch);
    assert.equal(posted.receiptCount >= 3, true);
    const { root, bundleHash } = posted.post as { root: Hex; bundleHash: Hex };

    const mine = await getEpochLeaf(client, { epoch, poolId: pools[0]!, account: relay, bundleHash });
    assert.ok(mine);
    assert.equal(mine.root, root);
    assert.equal(mine.leaf.cumulativeAmount, "10000");
    assert.ok(mine.proof.length > 0);
    assert.ok(verifyMerkleProof(root, hashRewardLeaf(rewardLeafFromJson(mine.leaf)), mine.proof));
    const stranger = chain.account(roles.relay3).address;
    assert.equal(await getEpochLeaf(client, { epoch, poolId: pools[0]!, account: stranger }), null);
    const none = await apiError(getEpochLeaf(client, { epoch: 999_999, poolId: pools[0]!, account: relay }));
    assert.deepEqual([none.status, none.code, none.retryable], [404, "EPOCH_NOT_FOUND", false]);

    const whole = await listEpochLeaves(client, { epoch });
    assert.equal(whole.nextCursor, null);
    assert.equal(whole.root, root);
    // This relay in pools 0 and 1, the other in pool 0 (and pool 2, from the flood).
    assert.ok(whole.leaves.length >= 3, JSON.stringify(whole.leaves));
    const first = await listEpochLeaves(client, { epoch, limit: 1 });
    assert.equal(first.leaves.length, 1);
    assert.equal(typeof first.nextCursor, "string");
    const walked = await collect(iterateEpochLeaves(client, { epoch, bundleHash, limit: 1 }));
    assert.deepEqual(walked, whole.leaves);
    for (const l of walked) assert.match(l.leafHash, /^0x[0-9a-f]{64}$/);
  });

  it("openBundle streams the posted bundle (whole, or its leaves part) whose keccak-256 is the posted hash", async () => {
    const e = await getEpoch(client, { epoch });
    const bundleHash = e.post!.bundleHash!;
    const whole = await openBundle(client, { epoch, bundleHash });
    assert.equal(whole.servedHash, bundleHash);
    const bytes = new Uint8Array(await new Response(whole.body).arrayBuffer());
    assert.equal(bytes.length, whole.size);
    assert.equal(`0x${Buffer.from(keccak_256(bytes)).toString("hex")}`, bundleHash);
    const leaves = await openBundle(client, { epoch, bundleHash, part: "leaves" });
    const tail = new Uint8Array(await new Response(leaves.body).arrayBuffer());
    assert.ok(tail.length < bytes.length);
    assert.deepEqual(tail, bytes.subarray(bytes.length - tail.length));
    const missing = await apiError(openBundle(client, { epoch, bundleHash: `0x${"ab".repeat(32)}` }));
    assert.deepEqual([missing.status, missing.code], [404, "BUNDLE_NOT_FOUND"]);
  });

  it("getAccountRewards: per pool, with a claim whose proof leads to the claimable epoch's root", async () => {
    const view = await waitFor(
      `epoch ${epoch} claimable`,
      async () => {
        const v = await getAccountRewards(client, { account: relay });
        return (v.latestClaimableEpoch ?? -1) >= epoch ? v : null;
      },
      60_000,
      200,
    );
    assert.equal(view.account, relay);
    assert.deepEqual(
      view.pools.map((p) => p.poolId),
      [pools[0]!, pools[1]!].sort(),
    );
    for (const p of view.pools) {
      assert.ok(p.claim, `a claim in ${p.poolId}`);
      const e = await getEpoch(client, { epoch: p.claim.epoch });
      assert.equal(p.claim.root, e.post!.root);
      assert.ok(verifyMerkleProof(p.claim.root, hashRewardLeaf(rewardLeafFromJson(p.claim.leaf)), p.claim.proof));
      assert.equal(p.claimable, p.claim.leaf.cumulativeAmount);
    }
    const bad = await apiError(getAccountRewards(client, { account: "0x1234" as Hex }));
    assert.deepEqual([bad.status, bad.code, bad.retryable], [400, "REQUEST_INVALID", false]);
  });

  it("503 SERVICE_UNAVAILABLE while the aggregator's RPC is down: retryable, Retry-After 2 s", async () => {
    proxy.down = true;
    try {
      const down = await apiError(getAccountRewards(client, { account: relay }));
      assert.deepEqual(
        [down.status, down.code, down.retryable, down.retryAfterMs],
        [503, "SERVICE_UNAVAILABLE", true, 2000],
      );
    } finally {
      proxy.down = false;
    }
    assert.equal((await getAccountRewards(client, { account: relay })).account, relay);
  });

  it("getPool, listPools and iteratePools over pages (404 POOL_NOT_FOUND throws)", async () => {
    const one = await getPool(client, { poolId: pools[1]! });
    assert.equal(one.poolId, pools[1]);
    assert.equal(one.token, d.token);
    const unknown = await apiError(getPool(client, { poolId: `0x${"00".repeat(32)}` }));
    assert.deepEqual([unknown.status, unknown.code, unknown.retryable], [404, "POOL_NOT_FOUND", false]);
    const all = await listPools(client);
    assert.equal(all.nextCursor, null);
    assert.deepEqual(
      all.pools.map((p) => p.poolId),
      [...pools].sort(),
    );
    const page = await listPools(client, { limit: 1 });
    assert.equal(page.pools.length, 1);
    assert.ok(page.nextCursor);
    assert.deepEqual(
      (await collect(iteratePools(client, { limit: 1 }))).map((p) => p.poolId),
      all.pools.map((p) => p.poolId),
    );
  });

  it("listEpochs and iterateEpochs walk every epoch newest first, page by page; a bad limit or cursor is 400", async () => {
    const pages: number[] = [];
    const paged = await listEpochs(client, { limit: 1 });
    assert.equal(paged.epochs.length, 1);
    assert.ok(paged.nextCursor, "epoch 0 and a later one exist");
    const counting = createAggregatorClient({
      url: agg.url,
      fetch: (input, init) => {
        if (String(input).includes("/v1/epochs")) pages.push(1);
        return fetch(input, init);
      },
    });
    const walked = (await collect(iterateEpochs(counting, { limit: 1 }))).map((e) => e.epoch);
    assert.ok(walked.length >= epoch + 1);
    assert.equal(walked.at(-1), 0);
    walked.forEach((e, i) => i > 0 && assert.equal(e, walked[i - 1]! - 1));
    assert.equal(pages.length, walked.length, "one page per epoch");
    assert.ok(pages.length >= 2, `${pages.length} pages`);

    const limit = await apiError(listEpochs(client, { limit: 0 }));
    assert.deepEqual([limit.status, limit.code, limit.retryable], [400, "REQUEST_INVALID", false]);
    const cursor = await apiError(listEpochs(client, { cursor: "bogus" }));
    assert.deepEqual([cursor.status, cursor.code], [400, "CURSOR_INVALID"]);
  });

  it("no answer is NETWORK_ERROR, a silent server TIMEOUT (both retryable), the caller's abort ABORTED (not)", async () => {
    const nobody = createAggregatorClient({ url: `http://127.0.0.1:${await freePort()}` });
    const refused = await apiError(listEpochs(nobody));
    assert.deepEqual([refused.status, refused.code, refused.retryable], [null, "NETWORK_ERROR", true]);
    assert.match(refused.shortMessage, /does not answer \(ECONNREFUSED\)/);

    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const slow = createAggregatorClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const timeout = await apiError(listEpochs(slow));
      assert.deepEqual([timeout.status, timeout.code, timeout.retryable], [null, "TIMEOUT", true]);
    } finally {
      silent.close();
    }

    // A server that answers 200 with something else than what the function reads: the aggregator's epoch where a
    // verifier's audit belongs.
    const wrong = await apiError(getAudit(createVerifierClient({ url: agg.url }), { epoch }));
    assert.deepEqual([wrong.status, wrong.code, wrong.retryable], [200, "BAD_RESPONSE", true]);
    assert.match(wrong.shortMessage, /not an audit/);

    const aborted = await apiError(getAccountRewards(client, { account: relay, signal: AbortSignal.abort() }));
    assert.deepEqual([aborted.code, aborted.retryable], ["ABORTED", false]);
  });
});
