import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import { type AggregatorProcess, freePort, postBatch, waitFor, waitHealthy } from "./helpers/aggregatorProcess.ts";
import { findClosers } from "./helpers/findClosers.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./helpers/receipts.ts";
import { startChainAggregator } from "./helpers/startChainAggregator.ts";
import { waitServingPool } from "./helpers/waitServingPool.ts";
import { testPostgresUrl, withPostgresSchema } from "./helpers/withPostgresSchema.ts";

const EPOCH = 3600;

type Health = { status: string; storage: { ok: boolean; engine: string; closer?: boolean } };
const health = async (p: AggregatorProcess) => (await (await fetch(`${p.url}/readyz`)).json()) as Health;

describe("aggregator processes on one PostgreSQL schema (storage.url, local chain)", () => {
  let chain: LocalChain;
  let d: Deployment;
  const tsKey = keyFor("pg-process-ticket-signer");

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH, graceSeconds: 60, genesisAgo: 2 * EPOCH + 120 });
  });
  after(async () => {
    await chain?.stop();
  });

  it("share ingest exactly once, elect one closer, and hand the role over when the closer is SIGKILLed", async () => {
    await withPostgresSchema(async (schema) => {
      const poolId = await createFundedPool(chain, d, {
        pricePerGB: 10n ** 9n,
        funding: 10n ** 12n,
        ticketSigner: addressOf(tsKey),
      });
      const start = async (name: string) =>
        startChainAggregator(chain, d, {
          name: `pg-${name}`,
          overrides: { storage: { url: testPostgresUrl, schema: schema.name }, posting: { enabled: false } },
          waitReady: false,
        });
      const procs = [await start("a"), await start("b")];
      const db = await schema.connect();
      try {
        // Both serve the pools the closer followed into the database.
        await waitServingPool(procs, poolId);
        const closers = () => findClosers(procs);
        const [first] = await waitFor("one closer", async () => {
          const c = await closers();
          return c.length === 1 ? c : undefined;
        });
        for (const p of procs) assert.equal((await health(p)).storage.engine, "postgres");
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal((await closers()).length, 1, "still exactly one closer");
        const other = procs.find((p) => p !== first)!;

        // The same batch sent to both at once is stored once, and both answer the same.
        const signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
        const relay = chain.account(roles.relay).address.toLowerCase() as Hex;
        const s = viewerSession(signer, {
          poolId,
          ticketSignerKey: tsKey,
          viewerLabel: "pg-viewer",
          notBefore: BigInt(d.genesisTime) * 1000n,
          notAfter: BigInt(Date.now()) + 3_600_000n,
          maxBytes: 10n ** 12n,
        });
        const rs = [0, 1, 2, 3].map((c) =>
          s.receipt({ relay, segment: 1n, chunk: c, size: 1000, deliveredAt: BigInt(Date.now()) }),
        );
        const batch = { relay, tickets: [s.signedTicket], receipts: rs.map((r) => r.json) };
        const answers = await Promise.all(procs.map((p) => postBatch(p.url, batch, "pg-same-key")));
        for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
        assert.deepEqual(answers[0]!.body, answers[1]!.body);
        assert.equal(answers[0]!.body.accepted, 4);
        const count = async () => Number((await db.query("SELECT COUNT(*) AS n FROM receipts")).rows[0].n);
        assert.equal(await count(), 4);
        // Another key with the same receipts through the non-closer: already accepted, nothing new stored.
        const again = await postBatch(other.url, batch, "pg-other-key");
        assert.equal(again.body.alreadyAccepted, 4);
        assert.equal(await count(), 4);

        // The closer's lock session is cut (the process lives on): it learns it lost the role, and the role is held
        // again (by either process) within a few seconds; never by two.
        const cut = await db.query(
          `SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
           WHERE a.application_name = $1 AND l.locktype = 'advisory' AND l.granted`,
          [`meshpay meshpay.aggregator.closer:${schema.name}`],
        );
        assert.equal(cut.rowCount, 1, "one session holds the closer lock");
        await waitFor(
          "the cut closer to notice",
          async () => readFileSync(first!.logPath, "utf8").includes("closer role lost"),
          10_000,
        );
        const [current] = await waitFor(
          "a closer again",
          async () => {
            const c = await closers();
            return c.length === 1 ? c : undefined;
          },
          15_000,
        );
        const survivor = procs.find((p) => p !== current)!;

        // The closer dies: the other takes the role over and follows the chain (a pool created now shows up).
        await current!.kill("SIGKILL");
        const killedAt = Date.now();
        await waitFor(
          "the other process to become the closer",
          async () => (await health(survivor)).storage.closer,
          20_000,
        );
        const takeoverMs = Date.now() - killedAt;
        assert.ok(takeoverMs < 15_000, `took over in ${takeoverMs} ms`);
        const newPool = await createFundedPool(chain, d, {
          pricePerGB: 10n ** 9n,
          funding: 0n,
          ticketSigner: addressOf(keyFor("pg-second-signer")),
        });
        await waitFor("the new closer to follow a new pool", async () => {
          const res = await (await fetch(`${survivor.url}/v1/pools`)).json();
          return res.pools.some((x: { poolId: string }) => x.poolId === newPool);
        });

        // A process started now is ready from the shared database and is not the closer.
        const late = await start("c");
        procs.push(late);
        await waitHealthy(late, 60_000);
        const h = await health(late);
        assert.equal(h.storage.closer, false);
        const pools = await (await fetch(`${late.url}/v1/pools`)).json();
        assert.ok(pools.pools.some((x: { poolId: string }) => x.poolId === newPool));
      } finally {
        await db.end();
        await Promise.all(procs.map((p) => p.kill("SIGTERM")));
      }
    });
  });

  it("starts while PostgreSQL is unreachable: live, 503 with Retry-After, then ready and ingesting once it is back", async () => {
    await withPostgresSchema(async (schema) => {
      const poolId = await createFundedPool(chain, d, {
        pricePerGB: 10n ** 9n,
        funding: 10n ** 12n,
        ticketSigner: addressOf(tsKey),
      });
      // A TCP proxy to the database that refuses every connection until `up`.
      const target = new URL(testPostgresUrl);
      let up = false;
      const sockets = new Set<Socket>();
      const proxy: Server = createServer((socket) => {
        if (!up) return socket.destroy();
        const server = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
        for (const s of [socket, server]) {
          sockets.add(s);
          s.on("error", () => {});
          s.on("close", () => sockets.delete(s));
        }
        socket.pipe(server).pipe(socket);
      });
      const proxyPort = await freePort();
      await new Promise<void>((resolve) => proxy.listen(proxyPort, "127.0.0.1", resolve));
      const url = new URL(testPostgresUrl);
      url.port = String(proxyPort);
      const agg = await startChainAggregator(chain, d, {
        name: "pg-down",
        overrides: { storage: { url: url.toString(), schema: schema.name }, posting: { enabled: false } },
        waitReady: false,
      });
      try {
        await waitFor("/livez", async () => (await fetch(`${agg.url}/livez`).catch(() => undefined))?.status === 200);
        const ready = await fetch(`${agg.url}/readyz`);
        assert.equal(ready.status, 503);
        const body = (await ready.json()) as Health;
        assert.equal(body.status, "starting");
        assert.equal(body.storage.ok, false);
        const signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
        const relay = chain.account(roles.relay).address.toLowerCase() as Hex;
        const s = viewerSession(signer, {
          poolId,
          ticketSignerKey: tsKey,
          viewerLabel: "pg-down-viewer",
          notBefore: BigInt(d.genesisTime) * 1000n,
          notAfter: BigInt(Date.now()) + 3_600_000n,
          maxBytes: 10n ** 12n,
        });
        const batch = {
          relay,
          tickets: [s.signedTicket],
          receipts: [s.receipt({ relay, segment: 1n, chunk: 0, size: 1000, deliveredAt: BigInt(Date.now()) }).json],
        };
        const refused = await postBatch(agg.url, batch, "pg-down-1");
        assert.equal(refused.status, 503);
        assert.equal(refused.body.code, "SERVICE_UNAVAILABLE");
        assert.ok(refused.headers.get("retry-after"));

        up = true;
        await waitHealthy(agg, 60_000);
        const accepted = await postBatch(agg.url, batch, "pg-down-1");
        assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
        assert.equal(accepted.body.accepted, 1);
        assert.match(readFileSync(agg.logPath, "utf8"), /storage unreachable at start/);
      } finally {
        await agg.kill("SIGTERM");
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });
  });
});
