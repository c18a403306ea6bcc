import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import pg from "pg";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { createAuditStore } from "../../../src/verifier/storage/createAuditStore.ts";
import { createClaimStore } from "../../../src/verifier/storage/createClaimStore.ts";
import { createFollowerStore } from "../../../src/verifier/storage/createFollowerStore.ts";
import { createPostStore } from "../../../src/verifier/storage/createPostStore.ts";
import { createTxStore } from "../../../src/verifier/storage/createTxStore.ts";
import { openPostgresVerifierStore } from "../../../src/verifier/storage/openPostgresVerifierStore.ts";
import { openVerifierStore, type VerifierStore } from "../../../src/verifier/storage/openVerifierStore.ts";
import { testPostgresUrl, withPostgresSchema } from "../../aggregator/helpers/withPostgresSchema.ts";
import { makeDataDir } from "../helpers/startTestVerifier.ts";

/** One engine: `run` gives a test a way to open (and reopen, as a restarted process would) one fresh database. */
type Engine = { name: string; run(fn: (open: () => Promise<VerifierStore>) => Promise<void>): Promise<void> };

const engines: Engine[] = [
  {
    name: "SQLite",
    async run(fn) {
      const path = join(makeDataDir(), "verifier.db");
      await fn(async () => openVerifierStore(path));
    },
  },
  {
    name: "PostgreSQL",
    run: (fn) =>
      withPostgresSchema((s) => fn(() => openPostgresVerifierStore({ url: testPostgresUrl, schema: s.name }))),
  },
];

const POOL = `0x${"11".repeat(32)}` as Hex;
const ACCOUNT = `0x${"22".repeat(20)}` as Address;

const post = (id: string, epoch: number, blockNumber: number, logIndex = 0) => ({
  id,
  epoch,
  aggregator: "0xa",
  root: `0xroot${id}`,
  bundleHash: `0xb${id}`,
  bundleUri: `http://bundles/${id}`,
  poolTotals: "[]",
  dataHash: "0xd",
  blockNumber,
  blockHash: `0xbh${blockNumber}`,
  txHash: `0xt${id}`,
  logIndex,
  postedAtS: 1_700_000_000 + blockNumber,
  released: null,
});

const claim = (id: string, nonce: bigint, now: number) => ({
  id,
  poolId: POOL,
  account: ACCOUNT,
  recipient: ACCOUNT,
  maxFee: 10n ** 30n,
  nonce,
  deadline: 1_800_000_000n,
  signature: "0x5151" as Hex,
  givenLeaf: null,
  givenProof: null,
  epoch: 3n,
  amount: 5_000_000n,
  now,
});

const signed = (nonce: number) => ({
  kind: "claims",
  ref: `batch-${nonce}`,
  nonce,
  hash: `0x${nonce.toString(16).padStart(64, "0")}` as Hex,
  raw: "0x02f8" as Hex,
  gasPrice: 10n ** 9n,
  gasLimit: 210_000n,
  now: 1_000 + nonce,
});

for (const engine of engines)
  describe(`verifier stores on ${engine.name}`, () => {
    it("follows posts, rejections, challenges and the cursor, and rolls all of it back past a reorganised block", () =>
      engine.run(async (open) => {
        const store = await open();
        try {
          const follower = createFollowerStore(store);
          const posts = createPostStore(store);
          const audits = createAuditStore(store);
          assert.equal(await follower.getCursor(), undefined);
          await follower.transaction(async () => {
            await follower.insertPost(post("p0", 0, 10));
            await follower.insertPost(post("p0", 0, 10)); // a second delivery of the same event
            await follower.insertPost(post("p1", 1, 20, 1));
            await follower.putBlock(10, "0xbh10");
            await follower.putBlock(20, "0xbh20");
            await follower.putBlock(20, "0xbh20b");
            await follower.setCursor(25n, "0xc25");
          });
          assert.deepEqual(await follower.getCursor(), { number: 25n, hash: "0xc25" });
          assert.deepEqual(await follower.listBlocksAfter(0), [
            { number: 10, hash: "0xbh10" },
            { number: 20, hash: "0xbh20b" },
          ]);
          const p1 = (await posts.getPost("p1"))!;
          assert.equal(p1.epoch, 1, "integers read back as numbers");
          assert.equal(p1.block_number, 20);
          assert.equal((await posts.getPreviousPost({ epoch: 1n, blockNumber: 20n, logIndex: 1 }))?.id, "p0");
          assert.deepEqual(
            (await posts.listRecentPosts(10)).map((p) => p.id),
            ["p1", "p0"],
          );
          assert.deepEqual(
            (await posts.listPostsBefore({ blockNumber: 20, logIndex: 1 }, 10)).map((p) => p.id),
            ["p0"],
          );
          assert.deepEqual(
            (await posts.listBasisPosts(0n, { epoch: 2n, blockNumber: 30n, logIndex: 0 })).map((p) => p.id).sort(),
            ["p0", "p1"],
          );
          await follower.insertChallenge({
            id: 4,
            epoch: 1,
            challenger: "0xc",
            bond: "1000",
            evidenceHash: "0xe",
            evidenceUri: "http://e",
            openedBlock: 22,
            txHash: "0xtc",
            postSeq: 0,
          });
          await follower.rejectPosts({ epoch: 1, end: 2, challengeId: 4, block: 23, logIndex: 0 });
          await follower.resolveChallenge(4, "upheld", 23);
          assert.equal((await posts.getActivePost(1n))?.id, undefined, "the rejected post is not live");
          assert.equal((await posts.getLatestPost(1n))?.rejected_by, 4);
          assert.equal((await posts.getChallenge(4))?.status, "upheld");
          await audits.insertPendingAudit("p1", 1, 5);
          await audits.replaceTicketUsage("p1", 1, new Map([["0xt1", { bytes: 7n, keys: ["k1"] }]]));

          await follower.rollbackFrom(20);
          assert.equal(await posts.getPost("p1"), undefined);
          assert.equal(await audits.getAudit("p1"), undefined);
          assert.deepEqual(await audits.listTicketUsage("p1", ["0xt1"]), new Map());
          assert.equal(await posts.getChallenge(4), undefined);
          assert.deepEqual(await follower.listBlocksAfter(0), [{ number: 10, hash: "0xbh10" }]);
          assert.equal((await posts.getPost("p0"))?.rejected_by, null);
        } finally {
          await store.close();
        }
      }));

    it("records audits, ticket usage and evidence bytes as given, and lists what is left to audit", () =>
      engine.run(async (open) => {
        const store = await open();
        try {
          const follower = createFollowerStore(store);
          const audits = createAuditStore(store);
          await follower.insertPost(post("p0", 0, 10));
          await follower.insertPost(post("p1", 1, 20));
          assert.deepEqual(
            (await audits.listPostsToAudit()).map((p) => p.id),
            ["p0", "p1"],
          );
          await audits.insertPendingAudit("p0", 0, 100);
          await audits.updateAudit("p0", { status: "ok", recomputed_root: "0xr", attempts: 1, findings: "[]" });
          await audits.markRejected("p1", 1, 200);
          assert.deepEqual(await audits.listPostsToAudit(), []);
          const audit = (await audits.getAudit("p0"))!;
          assert.equal(audit.status, "ok");
          assert.equal(audit.attempts, 1);
          assert.equal(audit.first_attempt_at, 100);
          assert.deepEqual(await audits.listRecomputedPostIds(), ["p0"]);
          const usage = new Map([
            ["0xt1", { bytes: 2n ** 70n, keys: ["a", "b"] }],
            ["0xt2", { bytes: 5n, keys: [] }],
          ]);
          await audits.replaceTicketUsage("p0", 0, usage);
          await audits.replaceTicketUsage("p0", 0, usage);
          assert.deepEqual(await audits.getTicketUsage("p0", "0xt1"), { bytes: 2n ** 70n, keys: ["a", "b"] });
          const bulk = new Map(
            Array.from({ length: 1234 }, (_, i) => [`0xbulk${i}`, { bytes: BigInt(i), keys: [`k${i}`] }]),
          );
          await audits.replaceTicketUsage("p1", 1, bulk);
          assert.deepEqual(await audits.listTicketUsage("p1", [...bulk.keys()]), bulk);
          const many = ["0xt2", ...Array.from({ length: 1200 }, (_, i) => `0xnone${i}`)];
          assert.deepEqual(await audits.listTicketUsage("p0", many), new Map([["0xt2", { bytes: 5n, keys: [] }]]));
          const bytes = new Uint8Array([123, 0, 255, 34]);
          const evidence = { hash: "0xe1" as Hex, postId: "p0", epoch: 0, fault: "ROOT_MISMATCH", bytes, createdAt: 1 };
          await audits.insertEvidence(evidence);
          await audits.insertEvidence({ ...evidence, bytes: new Uint8Array([9]) });
          assert.deepEqual([...(await audits.getEvidence("0xe1"))!], [...bytes], "the first document stays");
          assert.equal(await audits.getEvidence("0xnone"), undefined);
        } finally {
          await store.close();
        }
      }));

    it("keeps one live claim per authorization in the database, and a failed one replaceable", () =>
      engine.run(async (open) => {
        const store = await open();
        try {
          const claims = createClaimStore(store);
          await claims.insertQueued(claim("c1", 0n, 10));
          await assert.rejects(claims.insertQueued(claim("c2", 0n, 11)), /unique|duplicate/i);
          await claims.updateClaim("c1", { status: "failed", error_code: "X" });
          await claims.insertQueued(claim("c3", 0n, 12));
          await claims.insertQueued(claim("c4", 1n, 13));
          assert.equal((await claims.findLiveClaim(POOL, ACCOUNT, 0n))?.id, "c3");
          assert.deepEqual(
            (await claims.listQueued(10)).map((c) => c.id),
            ["c3", "c4"],
          );
          await claims.updateClaim("c3", { status: "submitted", tx_id: 8, tx_hash: "0xh" });
          assert.deepEqual(
            (await claims.listSubmittedIn(8)).map((c) => c.id),
            ["c3"],
          );
          const c3 = (await claims.getClaim("c3"))!;
          assert.equal(c3.max_fee, (10n ** 30n).toString(), "uint256 values stay exact");
          assert.ok(c3.updated_at >= c3.created_at);
        } finally {
          await store.close();
        }
      }));

    it("commits a signed transaction together with what it was sent for, or neither; a restart finds it to settle", () =>
      engine.run(async (open) => {
        let store = await open();
        try {
          const txs = createTxStore(store);
          const claims = createClaimStore(store);
          await claims.insertQueued(claim("c1", 0n, 10));
          // A failure after the record (before the broadcast) leaves neither the transaction nor the claim's mark.
          await assert.rejects(
            txs.transaction(async () => {
              const id = await txs.insertSigned(signed(0));
              await claims.updateClaim("c1", { status: "submitted", tx_id: id });
              throw new Error("crash before commit");
            }),
            /crash before commit/,
          );
          assert.equal(await txs.countSigned(), 0);
          assert.equal((await claims.getClaim("c1"))?.status, "queued");
          assert.equal(await txs.getMaxNonce(), null);

          const id = await txs.transaction(async () => {
            const txId = await txs.insertSigned(signed(0));
            await claims.updateClaim("c1", { status: "submitted", tx_id: txId });
            return txId;
          });
          await store.close();
          store = await open(); // the process restarted
          const again = createTxStore(store);
          assert.deepEqual(
            (await again.listSigned()).map((t) => [t.id, t.nonce, t.hash, t.raw, t.status]),
            [[id, 0, signed(0).hash, "0x02f8", "signed"]],
          );
          assert.equal((await createClaimStore(store).getClaim("c1"))?.tx_id, id);
          assert.equal(await again.getMaxNonce(), 0);
          assert.equal(await again.hasLive("claims", "batch-0"), true);
          await again.markSettled(id, { status: "mined", minedBlock: 9, gasUsed: 50_000n, now: 2_000 });
          const next = await again.insertSigned(signed(1));
          assert.ok(next > id);
          await again.markDropped(next, "nonce used by another transaction", 3_000);
          assert.equal(await again.countSigned(), 0);
          assert.equal(await again.getMaxNonce(), 0, "a dropped transaction's nonce is free again");
          assert.equal(await again.hasLive("claims", "batch-1"), false);
          assert.equal((await again.getTx(id))?.gas_used, "50000");
        } finally {
          await store.close();
        }
      }));

    it("never lets a statement made outside a transaction join it (or be rolled back with it)", () =>
      engine.run(async (open) => {
        const store = await open();
        try {
          const claims = createClaimStore(store);
          const txs = createTxStore(store);
          let inside!: () => void;
          const entered = new Promise<void>((resolve) => {
            inside = resolve;
          });
          let release!: () => void;
          const held = new Promise<void>((resolve) => {
            release = resolve;
          });
          const failing = txs.transaction(async () => {
            await txs.insertSigned(signed(0));
            inside();
            await held;
            throw new Error("rolled back");
          });
          await entered;
          const outside = claims.insertQueued(claim("c1", 0n, 10));
          setTimeout(release, 50);
          await assert.rejects(failing, /rolled back/);
          await outside;
          assert.equal((await claims.getClaim("c1"))?.status, "queued");
          assert.equal(await txs.countSigned(), 0);
        } finally {
          await store.close();
        }
      }));
  });

describe("verifier store on PostgreSQL: one verifier per schema, and outages", () => {
  it("refuses a second verifier on the same schema while the first runs, and lets it in once the first is gone", () =>
    withPostgresSchema(async (s) => {
      const first = await openPostgresVerifierStore({ url: testPostgresUrl, schema: s.name });
      const started = Date.now();
      await assert.rejects(
        openPostgresVerifierStore({ url: testPostgresUrl, schema: s.name }),
        /Another verifier process holds the PostgreSQL schema .*one verifier per schema/,
      );
      assert.ok(Date.now() - started >= 9_000, "it waited for a killed predecessor's session to end first");
      await first.close();
      const second = await openPostgresVerifierStore({ url: testPostgresUrl, schema: s.name });
      await second.close();
    }));

  it("is STORAGE_UNAVAILABLE when the database cannot be reached at start", async () => {
    await assert.rejects(
      openPostgresVerifierStore({ url: "postgres://postgres@127.0.0.1:1/test", schema: "verifier" }),
      (e: Error & { code?: string }) => e.code === "STORAGE_UNAVAILABLE",
    );
  });

  it("is STORAGE_UNAVAILABLE when its connections are cut mid-transaction, stores nothing of it, and recovers", () =>
    withPostgresSchema(async (s) => {
      // Named after its schema, so only this store's connections are cut (other tests share the database).
      const store = await openPostgresVerifierStore({ url: testPostgresUrl, schema: s.name, applicationName: s.name });
      const admin = new pg.Client({ connectionString: testPostgresUrl });
      await admin.connect();
      try {
        const txs = createTxStore(store);
        const claims = createClaimStore(store);
        await claims.insertQueued(claim("c1", 0n, 10));
        const cut = txs.transaction(async () => {
          await txs.insertSigned(signed(0));
          await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
            s.name,
          ]);
          await claims.updateClaim("c1", { status: "submitted" });
        });
        await assert.rejects(cut, (e: Error & { code?: string }) => e.code === "STORAGE_UNAVAILABLE");
        // The pool replaces the dropped connections: the next calls work, and nothing of the cut transaction is there.
        assert.equal(await txs.countSigned(), 0);
        assert.equal((await claims.getClaim("c1"))?.status, "queued");
      } finally {
        await admin.end();
        await store.close();
      }
    }));
});
