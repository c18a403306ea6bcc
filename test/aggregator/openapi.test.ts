import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { pino } from "pino";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import { createChainClient } from "../../src/aggregator/chain/createChainClient.ts";
import { createPoolRegistry } from "../../src/aggregator/chain/createPoolRegistry.ts";
import { createLeafIndex } from "../../src/aggregator/epoch/createLeafIndex.ts";
import { aggregatorErrorCodes } from "../../src/aggregator/errors/codes.ts";
import { createApp } from "../../src/aggregator/http/createApp.ts";
import { createIngestor } from "../../src/aggregator/ingest/createIngestor.ts";
import { createManifestIndex } from "../../src/aggregator/ingest/createManifestIndex.ts";
import { createMetrics } from "../../src/aggregator/metrics/createMetrics.ts";
import { createEpochStore } from "../../src/aggregator/storage/createEpochStore.ts";
import { createIngestStore } from "../../src/aggregator/storage/createIngestStore.ts";
import { openDatabase } from "../../src/aggregator/storage/openDatabase.ts";
import { createSegmentManifest } from "../../src/player/manifest/createSegmentManifest.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import {
  type ApiAnswer,
  createCheckedClient,
  findDocumentProblems,
  listAppRoutes,
  listDocumentRoutes,
  type OpenApiDocument,
  readAnswer,
} from "../service/helpers/openApi.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
} from "./helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "./helpers/receipts.ts";

const documentPath = resolve(import.meta.dirname, "../../src/aggregator/http/openapi.json");
const doc = JSON.parse(readFileSync(documentPath, "utf8")) as OpenApiDocument;
const EPOCH_SECONDS = 5;

/** Every `code` enum of the document's error responses. */
function documentedErrorCodes(d: OpenApiDocument): string[] {
  const codes = new Set<string>();
  JSON.stringify(d, (key, value) => {
    if (key === "code" && Array.isArray(value?.enum)) for (const c of value.enum) codes.add(c);
    return value;
  });
  return [...codes].sort();
}

// docs/api.md: the aggregator's OpenAPI 3.1 document, checked against the answers of a real aggregator process on a
// local chain (and a second one whose RPC is down, for the 503s).
describe("aggregator OpenAPI document: every documented answer of a real aggregator fits it", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let down: AggregatorProcess;
  let api: ReturnType<typeof createCheckedClient>;
  let downApi: ReturnType<typeof createCheckedClient>;
  let signer: Signer;
  let p1: Hex;
  let p2: Hex;
  const tsKey = keyFor("openapi-ticket-signer");
  const relays = [keyFor("openapi-relay-a"), keyFor("openapi-relay-b")].map((k) => addressOf(k).toLowerCase() as Hex);
  let epoch = -1;
  let post: Record<string, any>;

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, {
      epochSeconds: EPOCH_SECONDS,
      graceSeconds: 1,
      challengeWindow: 4,
      genesisAgo: 2 * EPOCH_SECONDS,
    });
    p1 = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    p2 = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    const dir = makeWorkDir("openapi");
    agg = await startAggregatorProcess({
      dir,
      config: aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: chain.rpcUrl,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
        overrides: { ingest: { contentBindingPools: [p2] } },
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
    const downDir = makeWorkDir("openapi-down");
    down = await startAggregatorProcess({
      dir: downDir,
      config: aggregatorConfig({
        dir: downDir,
        port: await freePort(),
        rpcUrl: `http://127.0.0.1:${await freePort()}`,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
        overrides: { posting: { enabled: false } },
      }),
      waitReady: false,
    });
    api = createCheckedClient(doc, agg.url);
    downApi = createCheckedClient(doc, down.url);
    await waitFor(
      "both pools followed",
      async () => ((await (await fetch(`${agg.url}/v1/pools`)).json()) as any).pools?.length === 2 || null,
      30_000,
      100,
    );
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await down?.kill("SIGTERM");
    await chain?.stop();
  });

  it("is a valid OpenAPI 3.1 document whose error codes are the aggregator's own", () => {
    assert.deepEqual(findDocumentProblems(doc), []);
    const known = new Set<string>(aggregatorErrorCodes);
    assert.deepEqual(
      documentedErrorCodes(doc).filter((c) => !known.has(c)),
      [],
    );
  });

  it("the structural check finds a wrong version, a dangling $ref, an operation without responses, a path parameter the template lacks and an example that does not fit", () => {
    const broken = structuredClone(doc);
    broken.openapi = "3.0.3";
    broken.paths["/v1/pools"]!.get!.responses["200"].content["application/json"].schema = {
      $ref: "#/components/schemas/NoSuchSchema",
    };
    broken.paths["/livez"]!.get!.responses = {};
    broken.paths["/v1/pools/{poolId}"]!.get!.parameters.push({
      name: "other",
      in: "path",
      required: true,
      schema: { type: "string" },
    });
    broken.paths["/v1/manifests"]!.post!.responses["200"].content["application/json"].example = { added: "yes" };
    const problems = findDocumentProblems(broken).join("\n");
    for (const expected of [
      "openapi is not 3.1.x",
      "NoSuchSchema does not resolve",
      "#/paths/~1livez/get: no responses",
      "path parameters other,poolId do not match the template's poolId",
      "#/paths/~1v1~1manifests/post/responses/200/content/application~1json/example",
    ])
      assert.ok(problems.includes(expected), `${expected} in:\n${problems}`);
  });

  it("documents exactly the routes the express app registers (with content binding on)", async () => {
    const dir = makeWorkDir("openapi-routes");
    const database = openDatabase(join(dir, "routes.db"));
    const pools = createPoolRegistry();
    const metrics = createMetrics();
    const epochParams = { genesisTime: d.genesisTime, epochSeconds: EPOCH_SECONDS, graceSeconds: 1 };
    const app = createApp({
      ingestor: createIngestor({
        store: createIngestStore(database.sqlite),
        pools,
        verifier: await createNodeReceiptVerifier({
          domain: { chainId: hardhat.id, verifyingContract: d.distributor },
        }),
        epochParams: { genesisTime: BigInt(d.genesisTime), epochSeconds: BigInt(EPOCH_SECONDS), graceSeconds: 1n },
        limits: { maxReceipts: 5000, maxTickets: 1000, maxFutureSkewMs: 300_000, idempotencyTtlSeconds: 86_400 },
        rateLimit: { requestsPerSecond: 50, requestBurst: 100, receiptsPerSecond: 50_000, receiptBurst: 100_000 },
        metrics,
      }),
      pools,
      epochs: createEpochStore(database),
      leafIndex: createLeafIndex(),
      chain: { client: createChainClient({ rpcUrl: chain.rpcUrl, timeoutMs: 3000 }), distributor: d.distributor },
      epochParams,
      maxBodyBytes: 4 * 1024 * 1024,
      metrics,
      logger: pino({ enabled: false }),
      readiness: () => ({ ready: true }),
      health: async () => ({ status: 200, body: {} }),
      manifests: createManifestIndex({ pools, requiredPools: [p2] }),
    });
    database.sqlite.close();
    assert.deepEqual(listAppRoutes(app), listDocumentRoutes(doc));
  });

  it("serves the checked-in document at GET /openapi.json", async () => {
    const res = await api.request("GET", "/openapi.json");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, doc);
  });

  it("POST /v1/receipts: results, replays and every whole-request error fit the document", async () => {
    const s = viewerSession(signer, {
      poolId: p1,
      ticketSignerKey: tsKey,
      viewerLabel: "openapi-viewer",
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    // Deliver early in an epoch, so that every receipt lands in the same one.
    for (;;) {
      const into = (Date.now() / 1000 - d.genesisTime) % EPOCH_SECONDS;
      if (into < 2) break;
      await new Promise((r) => setTimeout(r, (EPOCH_SECONDS - into) * 1000 + 20));
    }
    const send = (body: unknown, key: string, headers: Record<string, string> = {}) =>
      api.request("POST", "/v1/receipts", { body, headers: { "idempotency-key": key, ...headers } });
    const epochs = new Set<number>();
    for (const [i, relay] of relays.entries()) {
      const good = s.receipt({ relay, segment: BigInt(i), chunk: 0, size: 1000 + i, deliveredAt: BigInt(Date.now()) });
      const forged = s.receipt(
        { relay, segment: 100n, chunk: 0, size: 5, deliveredAt: BigInt(Date.now()) },
        keyFor("x"),
      );
      const batch = { relay, tickets: [s.signedTicket], receipts: [good.json, forged.json, { receipt: 3 }] };
      const res = await send(batch, `openapi-${i}`);
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.accepted, res.body.rejected], [1, 2], JSON.stringify(res.body));
      for (const r of res.body.results) if (r.status === "accepted") epochs.add(r.epoch);
      if (i === 0) {
        const replay = await send(batch, "openapi-0");
        assert.equal(replay.headers.get("idempotent-replayed"), "true");
        assert.deepEqual(replay.body, res.body);
        const again = await send({ ...batch, receipts: [good.json] }, `openapi-again`);
        assert.equal(again.body.results[0].status, "already_accepted");
        const reused = await send({ ...batch, receipts: [good.json] }, "openapi-0");
        assert.deepEqual([reused.status, reused.body.code], [409, "IDEMPOTENCY_KEY_REUSED"]);
      }
    }
    assert.equal(epochs.size, 1, "one epoch");
    epoch = [...epochs][0]!;

    const relay = relays[0]!;
    const expect = (res: ApiAnswer, status: number, code: string) =>
      assert.deepEqual([res.status, res.body.code], [status, code], res.text);
    expect(await send("{nope", "k1"), 400, "REQUEST_INVALID_JSON");
    expect(await send({ relay: "0x12", receipts: [] }, "k2"), 400, "REQUEST_INVALID");
    expect(
      await api.request("POST", "/v1/receipts", { body: { relay, receipts: [] } }),
      400,
      "IDEMPOTENCY_KEY_MISSING",
    );
    expect(await send({ relay, receipts: [] }, "not a key!"), 400, "IDEMPOTENCY_KEY_INVALID");
    expect(await send({ relay, receipts: Array.from({ length: 5001 }, () => ({})) }, "k3"), 400, "BATCH_TOO_LARGE");
    expect(await send("\x1f\x8b not gzip", "k4", { "content-encoding": "gzip" }), 400, "REQUEST_INVALID");
    expect(await send(" ".repeat(4 * 1024 * 1024 + 1), "k5"), 413, "REQUEST_TOO_LARGE");
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 32));
    expect(
      await send(bomb, "k6", { "content-type": "application/json", "content-encoding": "gzip" }),
      413,
      "REQUEST_TOO_LARGE",
    );
    expect(await send("{}", "k7", { "content-type": "text/plain" }), 415, "REQUEST_UNSUPPORTED_MEDIA_TYPE");
    expect(
      await send({ relay, receipts: [] }, "k8", { "content-encoding": "br" }),
      415,
      "REQUEST_UNSUPPORTED_ENCODING",
    );
    const gzipped = await send(gzipSync(JSON.stringify({ relay, receipts: [] })), "k9", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    assert.equal(gzipped.status, 200);
  });

  it("POST /v1/manifests: a held manifest and each refusal fit the document", async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    const m = createSegmentManifest({ poolId: p2, segment: 9n, uri: "seg9.ts", bytes, signerKey: tsKey });
    const send = (body: unknown) => api.request("POST", "/v1/manifests", { body });
    const held = await send(m);
    assert.deepEqual(held.body, { poolId: p2, segment: "9", chunks: 2, added: true });
    assert.equal((await send(m)).body.added, false);
    const code = async (body: unknown) => {
      const res = await send(body);
      return [res.status, res.body.code];
    };
    assert.deepEqual(await code({ nope: true }), [400, "MANIFEST_INVALID"]);
    assert.deepEqual(await code("{nope"), [400, "REQUEST_INVALID_JSON"]);
    const foreign = createSegmentManifest({ poolId: p2, segment: 10n, uri: "a.ts", bytes, signerKey: keyFor("x") });
    assert.deepEqual(await code(foreign), [403, "MANIFEST_BAD_SIGNER"]);
    const unbound = createSegmentManifest({ poolId: p1, segment: 1n, uri: "a.ts", bytes, signerKey: tsKey });
    assert.deepEqual(await code(unbound), [404, "MANIFEST_POOL_NOT_BOUND"]);
    assert.deepEqual(await code(" ".repeat(1024 * 1024 + 1)), [413, "REQUEST_TOO_LARGE"]);
  });

  it("pools: the list with its cursor, one pool, and their errors fit the document", async () => {
    const first = await api.request("GET", "/v1/pools", { query: { limit: 1 } });
    assert.equal(first.body.pools.length, 1);
    assert.equal(typeof first.body.nextCursor, "string");
    const second = await api.request("GET", "/v1/pools", { query: { limit: 1, cursor: first.body.nextCursor } });
    assert.equal(second.body.nextCursor, null);
    assert.equal((await api.request("GET", "/v1/pools", { query: { limit: 0 } })).body.code, "REQUEST_INVALID");
    assert.equal((await api.request("GET", "/v1/pools", { query: { cursor: "bm9wZQ" } })).body.code, "CURSOR_INVALID");
    const one = await api.request("GET", "/v1/pools/{poolId}", { params: { poolId: p1 } });
    assert.equal(one.body.poolId, p1);
    const missing = await api.request("GET", "/v1/pools/{poolId}", { params: { poolId: `0x${"ab".repeat(32)}` } });
    assert.equal(missing.body.code, "POOL_NOT_FOUND");
    assert.equal((await api.request("GET", "/v1/pools/{poolId}", { params: { poolId: "0x12" } })).status, 400);
  });

  it("epochs, bundles, leaves, proofs and rewards of a claimable epoch fit the document", async () => {
    post = await waitFor(
      `epoch ${epoch} claimable`,
      async () => {
        const e = (await (await fetch(`${agg.url}/v1/epochs/${epoch}`)).json()) as any;
        return e.post?.state === "claimable" ? e.post : null;
      },
      90_000,
      200,
    );
    const list = await api.request("GET", "/v1/epochs", { query: { limit: 2 } });
    assert.equal(list.body.epochs.length, 2);
    const older = await api.request("GET", "/v1/epochs", { query: { limit: 500, cursor: list.body.nextCursor } });
    assert.equal(older.body.nextCursor, null);
    assert.equal((await api.request("GET", "/v1/epochs", { query: { limit: 501 } })).body.code, "REQUEST_INVALID");
    assert.equal((await api.request("GET", "/v1/epochs", { query: { cursor: "x" } })).body.code, "CURSOR_INVALID");
    const one = await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch } });
    assert.equal(one.body.attempts.length, 1);
    assert.equal((await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch: "01" } })).status, 400);

    for (const path of ["/v1/epochs/{epoch}/bundle", "/v1/epochs/{epoch}/bundle/leaves"]) {
      const whole = await api.request("GET", path, { params: { epoch }, query: { hash: post.bundleHash } });
      assert.equal(whole.headers.get("x-meshpay-bundle-hash"), post.bundleHash);
      assert.equal((await api.request("GET", path, { params: { epoch }, query: { hash: "0x12" } })).status, 400);
      const none = await api.request("GET", path, { params: { epoch: epoch + 1000 } });
      assert.equal(none.body.code, "BUNDLE_NOT_FOUND");
    }

    const leaves = "/v1/epochs/{epoch}/leaves";
    const page = await api.request("GET", leaves, { params: { epoch }, query: { limit: 1 } });
    assert.equal(page.body.leafCount, 2);
    const rest = await api.request("GET", leaves, { params: { epoch }, query: { cursor: page.body.nextCursor } });
    assert.equal(rest.body.nextCursor, null);
    const badCursor = await api.request("GET", leaves, {
      params: { epoch },
      query: { cursor: page.body.nextCursor, hash: `0x${"ab".repeat(32)}` },
    });
    assert.equal(badCursor.body.code, "CURSOR_INVALID");
    assert.equal((await api.request("GET", leaves, { params: { epoch }, query: { limit: "z" } })).status, 400);
    assert.equal((await api.request("GET", leaves, { params: { epoch: epoch + 1000 } })).status, 404);

    const leaf = "/v1/epochs/{epoch}/leaves/{poolId}/{account}";
    const proof = await api.request("GET", leaf, { params: { epoch, poolId: p1, account: relays[0]! } });
    assert.equal(proof.body.claimable, true);
    const stranger = `0x${"cd".repeat(20)}`;
    const noLeaf = await api.request("GET", leaf, { params: { epoch, poolId: p1, account: stranger } });
    assert.equal(noLeaf.body.code, "LEAF_NOT_FOUND");
    const noEpoch = await api.request("GET", leaf, { params: { epoch: epoch + 1000, poolId: p1, account: stranger } });
    assert.equal(noEpoch.body.code, "EPOCH_NOT_FOUND");
    assert.equal((await api.request("GET", leaf, { params: { epoch, poolId: p1, account: "0x1" } })).status, 400);

    const rewards = "/v1/accounts/{account}/rewards";
    const mine = await api.request("GET", rewards, { params: { account: relays[0]! } });
    assert.equal(mine.body.pools.length, 1);
    assert.ok(mine.body.pools[0].claim, "a ready claim");
    assert.deepEqual((await api.request("GET", rewards, { params: { account: stranger } })).body.pools, []);
    assert.equal((await api.request("GET", rewards, { params: { account: "nope" } })).status, 400);
  });

  it("probes, metrics, unknown routes and wrong methods fit the document", async () => {
    assert.deepEqual((await api.request("GET", "/livez")).body, { ok: true });
    assert.equal((await api.request("GET", "/readyz")).body.status, "ok");
    assert.equal((await api.request("GET", "/healthz")).body.status, "ok");
    assert.match((await api.request("GET", "/metrics")).text, /meshpay_aggregator_/);
    const unknown = await readAnswer(await fetch(`${agg.url}/v1/nothing-here`));
    assert.equal(unknown.status, 404);
    api.checkComponent("NotFound", unknown);
    const wrong = await readAnswer(await fetch(`${agg.url}/v1/pools`, { method: "DELETE" }));
    assert.equal(wrong.status, 405);
    api.checkComponent("MethodNotAllowed", wrong);
  });

  it("an aggregator whose RPC is down answers its 503s as documented", async () => {
    assert.equal((await downApi.request("GET", "/readyz")).body.status, "starting");
    assert.equal((await downApi.request("GET", "/healthz")).status, 503);
    const batch = await downApi.request("POST", "/v1/receipts", {
      body: { relay: relays[0]!, receipts: [] },
      headers: { "idempotency-key": "down-1" },
    });
    assert.deepEqual([batch.status, batch.headers.get("retry-after")], [503, "2"]);
    const rewards = await downApi.request("GET", "/v1/accounts/{account}/rewards", { params: { account: relays[0]! } });
    assert.equal(rewards.status, 503);
  });

  it("every documented answer and error code was checked, but for those a healthy test cannot provoke (500, 429)", () => {
    const unchecked = api.unchecked().filter((u) => downApi.unchecked().includes(u));
    assert.deepEqual(
      unchecked.filter((u) => !u.endsWith(" 500")),
      ["POST /v1/receipts 429"],
    );
    const codes = api.uncheckedCodes().filter((u) => downApi.uncheckedCodes().includes(u));
    assert.deepEqual(
      codes.filter((u) => !u.endsWith(" 500 INTERNAL")),
      ["POST /v1/receipts 429 RATE_LIMITED"],
    );
  });
});
