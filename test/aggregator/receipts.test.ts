import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import { aggregatorErrorCodes } from "../../src/aggregator/errors/codes.ts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { type AggregatorProcess, postBatch, waitFor } from "./helpers/aggregatorProcess.ts";
import { createFuzzer, type FuzzRequest } from "./helpers/fuzzRequests.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "./helpers/receipts.ts";
import { startChainAggregator } from "./helpers/startChainAggregator.ts";

const EPOCH = 3600;

describe("POST /v1/receipts, its errors and the read endpoints (aggregator process, local chain, SQLite file)", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let signer: Signer;
  let poolId: Hex;
  let otherPool: Hex;
  let relay: Hex;
  let relay2: Hex;
  let k = 0;
  const key = () => `test-${k++}`;
  const tsKey = keyFor("receipts-ticket-signer");
  const nowMs = () => BigInt(Date.now());
  const session = (
    label: string,
    extra: { maxBytes?: bigint; notBefore?: bigint; notAfter?: bigint; pool?: Hex; signerKey?: Hex } = {},
  ) =>
    viewerSession(signer, {
      poolId: extra.pool ?? poolId,
      ticketSignerKey: extra.signerKey ?? tsKey,
      viewerLabel: label,
      notBefore: extra.notBefore ?? BigInt(d.genesisTime) * 1000n,
      notAfter: extra.notAfter ?? nowMs() + 3_600_000n,
      maxBytes: extra.maxBytes ?? 10n ** 12n,
    });
  const codes = (r: { errors?: { code: string }[] }) => (r.errors ?? []).map((e) => e.code).sort();

  before(async () => {
    chain = await startLocalChain();
    // Genesis two epochs ago: epochs 0 and 1 are closed, 2 is open.
    d = await deployMeshpay(chain, { epochSeconds: EPOCH, graceSeconds: 60, genesisAgo: 2 * EPOCH + 120 });
    poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    otherPool = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 0n,
      ticketSigner: addressOf(keyFor("other-signer")),
    });
    relay = chain.account(roles.relay).address.toLowerCase() as Hex;
    relay2 = chain.account(roles.relay2).address.toLowerCase() as Hex;
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    agg = await startChainAggregator(chain, d, { name: "receipts", overrides: { posting: { enabled: false } } });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await chain?.stop();
  });

  it("accepts valid receipts, stores them durably before answering and says already_accepted for a resubmission", async () => {
    const s = session("v-accept");
    const rs = [0, 1, 2].map((c) => s.receipt({ relay, segment: 1n, chunk: c, size: 1000, deliveredAt: nowMs() }));
    const first = await postBatch(
      agg.url,
      { relay, tickets: [s.signedTicket], receipts: rs.slice(0, 2).map((r) => r.json) },
      key(),
    );
    assert.equal(first.status, 200);
    assert.deepEqual([first.body.accepted, first.body.alreadyAccepted, first.body.rejected], [2, 0, 0]);
    assert.equal(first.body.results[0].receiptId, rs[0]!.receiptId);
    assert.equal(first.body.results[0].epoch, 2);
    // The answer came after the commit: the rows are in the file now.
    const db = new Database(agg.dbPath, { readonly: true });
    const stored = db
      .prepare("SELECT receipt_id FROM receipts WHERE receipt_id IN (?, ?)")
      .pluck()
      .all(rs[0]!.receiptId, rs[1]!.receiptId);
    db.close();
    assert.equal(stored.length, 2);
    // Same receipts under a new key (the ticket is held now, so it may be left out): already accepted.
    const again = await postBatch(agg.url, { relay, receipts: rs.map((r) => r.json) }, key());
    assert.deepEqual(
      again.body.results.map((r: { status: string }) => r.status),
      ["already_accepted", "already_accepted", "accepted"],
    );
  });

  it("replays the stored response for a retried Idempotency-Key and refuses the key with another body (409)", async () => {
    const s = session("v-idem");
    const body = {
      relay,
      tickets: [s.signedTicket],
      receipts: [s.receipt({ relay, segment: 2n, chunk: 0, size: 10, deliveredAt: nowMs() }).json],
    };
    const k1 = key();
    const first = await postBatch(agg.url, body, k1);
    const retry = await postBatch(agg.url, body, k1);
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.body.results[0].status, "accepted", "the replay is the first answer, not a re-evaluation");
    const other = await postBatch(agg.url, { ...body, receipts: [] }, k1);
    assert.equal(other.status, 409);
    assert.equal(other.body.code, "IDEMPOTENCY_KEY_REUSED");
  });

  it("rejects replayed, forged, expired, over-cap and wrong-pool receipts with their codes and stores none of them", async () => {
    const s = session("v-bad", { maxBytes: 150_000n });
    const ok = s.receipt({ relay, segment: 5n, chunk: 0, size: 100_000, deliveredAt: nowMs() });
    assert.equal(
      (await postBatch(agg.url, { relay, tickets: [s.signedTicket], receipts: [ok.json] }, key())).body.accepted,
      1,
    );

    const wrongTicketSigner = session("v-bad-ts", { signerKey: keyFor("not-the-pool-signer") });
    const closedEpoch = session("v-closed");
    const narrow = session("v-narrow", { notBefore: nowMs() - 10_000n, notAfter: nowMs() - 5_000n });
    const otherPoolSession = session("v-other-pool", { pool: otherPool, signerKey: keyFor("other-signer") });
    const unknownPool = session("v-unknown-pool", { pool: `0x${"99".repeat(32)}` });
    const cases: [string, { json: unknown }, string[], Hex, unknown[]][] = [
      // Replayed: the same chunk of the same ticket, signed again, claimed by another relay.
      [
        "replayed",
        s.receipt({ relay: relay2, segment: 5n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["RECEIPT_DUPLICATE"],
        relay2,
        [],
      ],
      [
        "forged (not the viewer's key)",
        s.receipt({ relay, segment: 5n, chunk: 1, size: 10, deliveredAt: nowMs() }, keyFor("mallory")),
        ["RECEIPT_SIGNER_NOT_VIEWER"],
        relay,
        [],
      ],
      [
        "forged ticket",
        wrongTicketSigner.receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["TICKET_BAD_SIGNER"],
        relay,
        [wrongTicketSigner.signedTicket],
      ],
      [
        "expired (closed epoch)",
        closedEpoch.receipt({
          relay,
          segment: 1n,
          chunk: 0,
          size: 10,
          deliveredAt: BigInt(d.genesisTime) * 1000n + 5000n,
        }),
        ["EPOCH_CLOSED"],
        relay,
        [closedEpoch.signedTicket],
      ],
      [
        "expired (ticket window)",
        narrow.receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["RECEIPT_OUTSIDE_TICKET_WINDOW"],
        relay,
        [narrow.signedTicket],
      ],
      [
        "over cap",
        s.receipt({ relay, segment: 6n, chunk: 0, size: 60_000, deliveredAt: nowMs() }),
        ["RECEIPT_OVER_MAX_BYTES"],
        relay,
        [],
      ],
      [
        "from the future",
        s.receipt({ relay, segment: 6n, chunk: 1, size: 10, deliveredAt: nowMs() + 3_600_000n }),
        ["RECEIPT_IN_FUTURE", "RECEIPT_OUTSIDE_TICKET_WINDOW"],
        relay,
        [],
      ],
      [
        "unknown pool",
        unknownPool.receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["POOL_UNKNOWN"],
        relay,
        [unknownPool.signedTicket],
      ],
      [
        "relay mismatch",
        s.receipt({ relay: relay2, segment: 7n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["RECEIPT_RELAY_MISMATCH"],
        relay,
        [],
      ],
      [
        "unknown ticket",
        session("v-no-ticket").receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() }),
        ["TICKET_UNKNOWN"],
        relay,
        [],
      ],
    ];
    for (const [name, r, expected, batchRelay, tickets] of cases) {
      const res = await postBatch(agg.url, { relay: batchRelay, tickets, receipts: [r.json] }, key());
      assert.equal(res.status, 200, name);
      assert.equal(res.body.results[0].status, "rejected", name);
      assert.deepEqual(codes(res.body.results[0]), expected, name);
    }
    // Wrong pool: a receipt for pool A under a ticket of pool B (re-signed by the viewer, so only the pool differs).
    const wrongPool = otherPoolSession.receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() });
    const tampered = signer.receipt({ ...wrongPool.receipt, poolId }, otherPoolSession.viewerKey);
    const res = await postBatch(
      agg.url,
      {
        relay,
        tickets: [otherPoolSession.signedTicket],
        receipts: [tampered, { receipt: { poolId: "0x12" }, signature: "0x00" }],
      },
      key(),
    );
    assert.deepEqual(codes(res.body.results[0]), ["RECEIPT_POOL_MISMATCH", "TICKET_BAD_SIGNER"]);
    assert.equal(res.body.results[1].receiptId, null);
    assert.deepEqual(codes(res.body.results[1]), ["RECEIPT_MALFORMED"]);
    // Bad signature bytes: s replaced by a high-s value.
    const highS = s.receipt({ relay, segment: 8n, chunk: 0, size: 10, deliveredAt: nowMs() }).json;
    const bad = { ...highS, signature: `${highS.signature.slice(0, 66)}${"f".repeat(64)}1b` as Hex };
    assert.deepEqual(codes((await postBatch(agg.url, { relay, receipts: [bad] }, key())).body.results[0]), [
      "RECEIPT_BAD_SIGNATURE",
    ]);
    const db = new Database(agg.dbPath, { readonly: true });
    assert.equal(
      db.prepare("SELECT COUNT(*) FROM receipts WHERE ticket_hash = ?").pluck().get(s.ticketHash),
      1,
      "only the first valid receipt of that ticket",
    );
    db.close();
  });

  it("follows a ticket-signer rotation on chain: tickets of the old signer stop counting for later deliveries", async () => {
    const newKey = keyFor("rotated-signer");
    const hash = await chain.wallet(roles.broadcaster).writeContract({
      address: d.distributor,
      abi: rewardDistributorAbi,
      functionName: "rotateTicketSigner",
      args: [poolId, addressOf(newKey)],
      account: chain.account(roles.broadcaster),
      chain: hardhat,
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    const rotatedAt = Number((await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
    await waitFor("the rotation to be followed", async () => {
      const pool = (await (await fetch(`${agg.url}/v1/pools/${poolId}`)).json()) as { signers: unknown[] };
      return pool.signers.length === 2;
    });
    // Deliveries after the rotation's block time (a local chain's clock can run ahead of the wall clock).
    await waitFor("the wall clock to pass the rotation", async () => Date.now() > rotatedAt * 1000 + 1000, 30_000);
    const old = session("v-old-signer");
    const fresh = session("v-new-signer", { signerKey: newKey });
    const res = await postBatch(
      agg.url,
      {
        relay,
        tickets: [old.signedTicket, fresh.signedTicket],
        receipts: [old, fresh].map(
          (x) => x.receipt({ relay, segment: 1n, chunk: 0, size: 10, deliveredAt: nowMs() }).json,
        ),
      },
      key(),
    );
    assert.deepEqual(codes(res.body.results[0]), ["TICKET_BAD_SIGNER"]);
    assert.equal(res.body.results[1].status, "accepted");
    signerKeyForLaterTests = newKey;
  });
  let signerKeyForLaterTests: Hex = tsKey;

  it("refuses malformed whole requests with their codes and statuses", async () => {
    const s = session("v-req", { signerKey: signerKeyForLaterTests });
    const valid = {
      relay,
      tickets: [s.signedTicket],
      receipts: [s.receipt({ relay, segment: 1n, chunk: 0, size: 1, deliveredAt: nowMs() }).json],
    };
    const send = (init: RequestInit) => fetch(`${agg.url}/v1/receipts`, { method: "POST", ...init });
    const expect = async (res: Response, status: number, code: string) => {
      assert.equal(res.status, status, code);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, code);
      assert.ok(body.message.length > 0);
      return body;
    };
    await expect(
      await send({ headers: { "content-type": "text/plain", "idempotency-key": "a" }, body: JSON.stringify(valid) }),
      415,
      "REQUEST_UNSUPPORTED_MEDIA_TYPE",
    );
    await expect(
      await send({ headers: { "content-type": "application/json" }, body: JSON.stringify(valid) }),
      400,
      "IDEMPOTENCY_KEY_MISSING",
    );
    await expect(
      await send({ headers: { "content-type": "application/json", "idempotency-key": "no spaces" }, body: "{}" }),
      400,
      "IDEMPOTENCY_KEY_INVALID",
    );
    await expect(
      await send({ headers: { "content-type": "application/json", "idempotency-key": "x".repeat(129) }, body: "{}" }),
      400,
      "IDEMPOTENCY_KEY_INVALID",
    );
    await expect(
      await send({ headers: { "content-type": "application/json", "idempotency-key": key() }, body: "{ nope" }),
      400,
      "REQUEST_INVALID_JSON",
    );
    const shape = await expect(
      await send({
        headers: { "content-type": "application/json", "idempotency-key": key() },
        body: JSON.stringify({ ...valid, relay: "0x1" }),
      }),
      400,
      "REQUEST_INVALID",
    );
    assert.deepEqual((shape as { details?: unknown }).details, { path: "relay" });
    const bad = { ...valid, tickets: [{ ...s.signedTicket, ticket: { ...s.signedTicket.ticket, notAfter: 5 } }] };
    const t = await expect(
      await send({
        headers: { "content-type": "application/json", "idempotency-key": key() },
        body: JSON.stringify(bad),
      }),
      400,
      "REQUEST_INVALID",
    );
    assert.deepEqual((t as { details?: unknown }).details, { path: "tickets[0].ticket.notAfter" });
    const many = { relay, receipts: Array.from({ length: 5001 }, () => ({})) };
    await expect(
      await send({
        headers: { "content-type": "application/json", "idempotency-key": key() },
        body: JSON.stringify(many),
      }),
      400,
      "BATCH_TOO_LARGE",
    );
    const huge = JSON.stringify({ relay, receipts: [], pad: "x".repeat(4 * 1024 * 1024) });
    await expect(
      await send({ headers: { "content-type": "application/json", "idempotency-key": key() }, body: huge }),
      413,
      "REQUEST_TOO_LARGE",
    );
    // The service keeps serving.
    assert.equal((await postBatch(agg.url, valid, key())).body.accepted, 1);
  });

  it("answers every other route with JSON: pools, epochs, 404s, 405s, health and Prometheus metrics", async () => {
    const pools = (await (await fetch(`${agg.url}/v1/pools`)).json()) as {
      pools: { poolId: Hex; pricePerGB: string; unallocated: string }[];
    };
    assert.deepEqual(
      pools.pools.map((p) => p.poolId),
      [poolId, otherPool].sort(),
    );
    const p = pools.pools.find((x) => x.poolId === poolId)!;
    assert.equal(p.pricePerGB, String(10n ** 9n));
    assert.equal(p.unallocated, String(10n ** 12n));
    const missing = await fetch(`${agg.url}/v1/pools/0x${"00".repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, "POOL_NOT_FOUND");
    assert.equal(
      ((await (await fetch(`${agg.url}/v1/pools/not-hex`)).json()) as { code: string }).code,
      "REQUEST_INVALID",
    );
    const epochs = (await (await fetch(`${agg.url}/v1/epochs?limit=3`)).json()) as {
      currentEpoch: number;
      epochs: { epoch: number; status: string; receiptCount: number }[];
    };
    assert.equal(epochs.currentEpoch, 2);
    assert.deepEqual(
      epochs.epochs.map((e) => [e.epoch, e.status]),
      [
        [2, "open"],
        [1, "closed"],
        [0, "closed"],
      ],
    );
    assert.ok(epochs.epochs[0]!.receiptCount >= 6);
    const e2 = (await (await fetch(`${agg.url}/v1/epochs/2`)).json()) as {
      epoch: number;
      post: unknown;
      attempts: unknown[];
    };
    assert.deepEqual([e2.epoch, e2.post, e2.attempts], [2, null, []]);
    const noBundle = await fetch(`${agg.url}/v1/epochs/2/bundle`);
    assert.equal(noBundle.status, 404);
    assert.equal(((await noBundle.json()) as { code: string }).code, "BUNDLE_NOT_FOUND");
    const noRoute = await fetch(`${agg.url}/v2/nothing`);
    assert.equal(noRoute.status, 404);
    assert.equal(((await noRoute.json()) as { code: string }).code, "NOT_FOUND");
    const wrongMethod = await fetch(`${agg.url}/v1/receipts`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    assert.equal(((await wrongMethod.json()) as { code: string }).code, "METHOD_NOT_ALLOWED");
    const badEncoding = await fetch(`${agg.url}/v1/pools/%E0%A4%A`);
    assert.equal(badEncoding.status, 400);
    assert.equal(((await badEncoding.json()) as { code: string }).code, "REQUEST_INVALID");
    const health = await fetch(`${agg.url}/healthz`);
    assert.equal(health.status, 200);
    const h = (await health.json()) as { status: string; chain: { headBlock: number; syncedBlock: string } };
    assert.equal(h.status, "ok");
    assert.ok(h.chain.headBlock > 0);
    const metrics = await (await fetch(`${agg.url}/metrics`)).text();
    assert.match(metrics, /meshpay_aggregator_receipts_total\{result="accepted"\} \d+/);
    assert.match(metrics, /meshpay_aggregator_receipt_rejections_total\{code="RECEIPT_DUPLICATE"\} 1/);
    assert.match(
      metrics,
      /meshpay_aggregator_http_responses_total\{route="POST \/v1\/receipts",status="413",code="REQUEST_TOO_LARGE"\} 1/,
    );
    assert.match(metrics, /meshpay_aggregator_chain_head_lag_seconds \d/);
    assert.match(metrics, /meshpay_aggregator_ingest_batch_seconds_bucket/);
  });

  it("accepts gzip and deflate bodies, refuses a gzip bomb with 413 and other encodings with 415", async () => {
    const s = session("v-gzip", { signerKey: signerKeyForLaterTests });
    const receipts = [0, 1].map((c) => s.receipt({ relay, segment: 7n, chunk: c, size: 10, deliveredAt: nowMs() }));
    const body = (i: number) => JSON.stringify({ relay, tickets: [s.signedTicket], receipts: [receipts[i]!.json] });
    const send = (encoding: string, data: Buffer, idempotencyKey = key()) =>
      fetch(`${agg.url}/v1/receipts`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-encoding": encoding,
          "idempotency-key": idempotencyKey,
        },
        body: new Uint8Array(data),
      });
    const gz = await send("gzip", gzipSync(body(0)));
    assert.equal(gz.status, 200);
    assert.equal(((await gz.json()) as { accepted: number }).accepted, 1);
    const df = await send("deflate", deflateSync(body(1)));
    assert.equal(df.status, 200);
    assert.equal(((await df.json()) as { accepted: number }).accepted, 1);
    // A retry of the gzip batch uncompressed under the same key is the same body: the stored answer is replayed.
    const retryKey = key();
    assert.equal((await send("gzip", gzipSync(body(0)), retryKey)).status, 200);
    const replay = await send("identity", Buffer.from(body(0)), retryKey);
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");

    const errorOf = async (res: Response) => [res.status, ((await res.json()) as { code: string }).code];
    // 64 MiB of spaces compress to about 64 KiB: under the 4 MiB body limit, far over it decompressed.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, " "));
    assert.ok(bomb.length < 4 * 1024 * 1024);
    assert.deepEqual(await errorOf(await send("gzip", bomb)), [413, "REQUEST_TOO_LARGE"]);
    assert.deepEqual(await errorOf(await send("gzip", Buffer.from(body(0)))), [400, "REQUEST_INVALID"]);
    for (const encoding of ["br", "zstd", "compress", "gzip, snappy"])
      assert.deepEqual(
        await errorOf(await send(encoding, Buffer.from(body(0)))),
        [415, "REQUEST_UNSUPPORTED_ENCODING"],
        encoding,
      );
    // The service keeps serving.
    assert.equal((await postBatch(agg.url, { relay, receipts: [] }, key())).status, 200);
  });

  it("answers 10,000 malformed requests (broken JSON, wrong types, bad hex, huge bodies, bad headers) with a 4xx and a code, never a 5xx, and keeps serving", async () => {
    const s = session("v-fuzz", { signerKey: signerKeyForLaterTests });
    const valid = {
      relay,
      tickets: [s.signedTicket],
      receipts: [s.receipt({ relay, segment: 1n, chunk: 0, size: 1, deliveredAt: nowMs() }).json],
    };
    const fuzzer = createFuzzer(20261122, valid, key);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const send = (req: FuzzRequest) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const out = request(
          `${agg.url}/v1/receipts`,
          { method: "POST", agent, headers: { ...req.headers, "content-length": String(req.body.length) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
          },
        );
        out.on("error", reject);
        out.end(req.body);
      });
    const known = new Set<string>(aggregatorErrorCodes);
    const seen = new Map<string, number>();
    const requests: FuzzRequest[] = [];
    for (let i = 0; i < 10_000; i++) requests.push(i % 500 === 0 ? fuzzer.huge() : fuzzer.next());
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const req = requests[next++]!;
        const res = await send(req);
        assert.ok(res.status >= 400 && res.status < 500, `${req.kind}: status ${res.status} ${res.body.slice(0, 200)}`);
        const body = JSON.parse(res.body) as { code?: string; message?: string };
        assert.ok(typeof body.code === "string" && known.has(body.code), `${req.kind}: code ${body.code}`);
        assert.ok(typeof body.message === "string" && body.message.length > 0);
        seen.set(body.code, (seen.get(body.code) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    for (const code of [
      "REQUEST_INVALID_JSON",
      "REQUEST_INVALID",
      "BATCH_TOO_LARGE",
      "REQUEST_TOO_LARGE",
      "IDEMPOTENCY_KEY_MISSING",
      "IDEMPOTENCY_KEY_INVALID",
      "REQUEST_UNSUPPORTED_MEDIA_TYPE",
    ])
      assert.ok((seen.get(code) ?? 0) > 0, `the corpus exercises ${code}`);
    // Receipt-level garbage inside a valid envelope is rejected per receipt (receiptId null), not per request.
    const garbage = [null, 1, "x", {}, { receipt: {}, signature: "0x" }, { ...valid.receipts[0]!, extra: 1 }];
    const res = await postBatch(agg.url, { relay, receipts: garbage }, key());
    assert.equal(res.status, 200);
    assert.ok(
      res.body.results.every(
        (x: { status: string; receiptId: unknown; errors: { code: string }[] }) =>
          x.status === "rejected" && x.receiptId === null && x.errors[0]!.code === "RECEIPT_MALFORMED",
      ),
    );
    // Still serving, and nothing went wrong inside.
    assert.equal((await postBatch(agg.url, valid, key())).body.accepted, 1);
    const metrics = await (await fetch(`${agg.url}/metrics`)).text();
    assert.deepEqual(
      metrics.split("\n").filter((l) => l.includes('route="POST /v1/receipts"') && /status="5\d\d"/.test(l)),
      [],
      "no 5xx answered",
    );
  });

  it("limits each relay's rate with 429 and Retry-After", async () => {
    const limited = await startChainAggregator(chain, d, {
      name: "ratelimit",
      overrides: {
        posting: { enabled: false },
        rateLimit: { requestsPerSecond: 0.2, requestBurst: 2, receiptsPerSecond: 100, receiptBurst: 100 },
      },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await postBatch(limited.url, { relay, receipts: [] }, key()));
      assert.deepEqual(
        statuses.map((s) => s.status),
        [200, 200, 429],
      );
      assert.equal(statuses[2]!.body.code, "RATE_LIMITED");
      assert.ok(Number(statuses[2]!.headers.get("retry-after")) >= 1);
      // Another relay has its own budget.
      assert.equal((await postBatch(limited.url, { relay: relay2, receipts: [] }, key())).status, 200);
    } finally {
      await limited.kill("SIGTERM");
    }
  });
});
