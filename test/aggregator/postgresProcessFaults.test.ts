// Faults of several aggregator processes on one PostgreSQL schema, against real processes, a real local chain and the
// machine's PostgreSQL (a fresh schema per test, dropped after): the same batch at two processes at once, and
// SIGKILLs of ingest processes and of the closer at random moments under load.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Hex, parseEventLogs } from "viem";
import { hardhat } from "viem/chains";
import { xorshift } from "../../scripts/bench/xorshift.ts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import {
  type AggregatorProcess,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
  waitHealthy,
} from "./helpers/aggregatorProcess.ts";
import { findClosers } from "./helpers/findClosers.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { type PresignedBatch, presignBatches } from "./helpers/presignBatches.ts";
import { addressOf, keyFor } from "./helpers/receipts.ts";
import { type BatchOutcome, sendLoad } from "./helpers/sendLoad.ts";
import { startChainAggregator } from "./helpers/startChainAggregator.ts";
import { waitServingPool } from "./helpers/waitServingPool.ts";
import { type PostgresSchema, testPostgresUrl, withPostgresSchema } from "./helpers/withPostgresSchema.ts";

/** Short epochs, so that several close and are posted while the processes are being killed. */
const EPOCH_SECONDS = 8;
const GRACE_SECONDS = 1;

/** A process of the deployment, restartable on its port with the same config. */
type Slot = { name: string; dir: string; config: Record<string, unknown>; proc: AggregatorProcess };

describe("aggregator processes on one PostgreSQL schema, under faults (real processes, local chain)", () => {
  let chain: LocalChain;
  let d: Deployment;
  let poolId: Hex;
  const tsKey = keyFor("pg-faults-ticket-signer");
  const relays = () =>
    [roles.relay, roles.relay2, roles.relay3].map((i) => chain.account(i).address.toLowerCase() as Hex);
  const env = () => ({ MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) });

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, {
      epochSeconds: EPOCH_SECONDS,
      graceSeconds: GRACE_SECONDS,
      challengeWindow: 4,
      genesisAgo: 3 * EPOCH_SECONDS,
    });
    poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 15n,
      ticketSigner: addressOf(tsKey),
    });
  });
  after(async () => {
    await chain?.stop();
  });

  /** Starts `count` processes on `schema` (bundles in one shared folder, as on one machine), waiting for each. */
  const startSlots = async (schema: PostgresSchema, count: number, posting: boolean): Promise<Slot[]> => {
    const bundles = makeWorkDir("pg-faults-bundles");
    const slots: Slot[] = [];
    for (let i = 0; i < count; i++) {
      const proc = await startChainAggregator(chain, d, {
        name: `pg-faults-${i}`,
        overrides: {
          storage: { url: testPostgresUrl, schema: schema.name, bundleDir: join(bundles, "bundles") },
          posting: { enabled: posting, resendAfterMs: 5000 },
          log: { level: "warn" },
        },
        env: env(),
        waitReady: false,
      });
      slots.push({ name: `p${i}`, dir: proc.dir, config: proc.config, proc });
    }
    await waitServingPool(
      slots.map((s) => s.proc),
      poolId,
    );
    return slots;
  };
  const closers = async (slots: Slot[]) => {
    const found = await findClosers(slots.map((s) => s.proc));
    return slots.filter((s) => found.includes(s.proc));
  };
  const load = (label: string, batches: number, receiptsPerBatch: number) =>
    presignBatches({
      domain: { chainId: hardhat.id, verifyingContract: d.distributor },
      poolId,
      ticketSignerKey: tsKey,
      relays: relays(),
      label,
      batches,
      receiptsPerBatch,
      sessions: 60,
      viewersPerBatch: 20,
      chunkBytes: 1000,
      // Signed when sent: a receipt is delivered in the epoch open at that moment.
      deliveredAt: () => BigInt(Date.now()),
    });

  /** No receipt stored twice, every ticket credited exactly the bytes of its stored receipts, totals consistent. */
  const assertCreditedOnce = async (db: Awaited<ReturnType<PostgresSchema["connect"]>>) => {
    const dup = await db.query("SELECT receipt_id FROM receipts GROUP BY receipt_id HAVING COUNT(*) > 1 LIMIT 5");
    assert.deepEqual(dup.rows, [], "a receipt stored twice");
    const tickets = await db.query(
      `SELECT t.ticket_hash, t.bytes_accepted::bigint AS credited, COALESCE(SUM(r.size), 0)::bigint AS stored
         FROM tickets t LEFT JOIN receipts r ON r.ticket_hash = t.ticket_hash
        GROUP BY t.ticket_hash, t.bytes_accepted HAVING t.bytes_accepted::bigint <> COALESCE(SUM(r.size), 0)::bigint`,
    );
    assert.deepEqual(tickets.rows, [], "a ticket credited other bytes than its stored receipts");
    const stats = await db.query(
      `SELECT s.epoch, s.pool_id FROM epoch_stats s
         LEFT JOIN (SELECT epoch, pool_id, COUNT(*) AS n, SUM(size) AS b FROM receipts GROUP BY epoch, pool_id) r
           ON r.epoch = s.epoch AND r.pool_id = s.pool_id
        WHERE s.receipt_count::bigint <> COALESCE(r.n, 0) OR s.bytes::bigint <> COALESCE(r.b, 0)`,
    );
    assert.deepEqual(stats.rows, [], "ingest totals that differ from the stored receipts");
  };

  it("credits a batch sent to two processes at once exactly once, and both answer the same", async () => {
    await withPostgresSchema(async (schema) => {
      const slots = await startSlots(schema, 2, false);
      const db = await schema.connect();
      try {
        const batches = [...load("pg-same", 24, 100)];
        // Each batch to both processes at the same moment, four batches at a time: with the same key, then (the
        // next round) the same receipts under another key for each process.
        const both = async (batch: PresignedBatch, keys: [string, string]) =>
          Promise.all(
            slots.map(async (s, i) => {
              const r = await sendLoad({ targets: [s.proc.url], batches: [{ ...batch, key: keys[i]! }] });
              return r.outcomes[0]!;
            }),
          );
        const sameKey: BatchOutcome[][] = [];
        const otherKeys: BatchOutcome[][] = [];
        for (let i = 0; i < batches.length; i += 4) {
          const group = batches.slice(i, i + 4);
          sameKey.push(...(await Promise.all(group.map((b) => both(b, [b.key, b.key])))));
        }
        const fresh = [...load("pg-same-other-keys", 12, 100)];
        for (let i = 0; i < fresh.length; i += 4) {
          const group = fresh.slice(i, i + 4);
          otherKeys.push(...(await Promise.all(group.map((b) => both(b, [`${b.key}-a`, `${b.key}-b`])))));
        }
        for (const [a, b] of sameKey) {
          assert.equal(a!.status, 200, a!.body);
          assert.equal(b!.status, 200, b!.body);
          assert.equal(a!.body, b!.body, "the same key answers the same");
          assert.equal(a!.accepted, 100);
        }
        for (const [a, b] of otherKeys) {
          assert.equal(a!.status, 200, a!.body);
          assert.equal(b!.status, 200, b!.body);
          // Credited once: one answer accepts each receipt, the other reports it already accepted.
          assert.equal(a!.accepted + b!.accepted, 100, `${a!.body}\n${b!.body}`);
          assert.deepEqual(a!.acknowledged, b!.acknowledged);
        }
        const stored = await db.query("SELECT COUNT(*)::int AS n FROM receipts");
        assert.equal(stored.rows[0].n, (batches.length + fresh.length) * 100);
        const keys = await db.query("SELECT COUNT(*)::int AS n FROM idempotency_keys");
        assert.equal(keys.rows[0].n, batches.length + 2 * fresh.length);
        await assertCreditedOnce(db);
      } finally {
        await db.end();
        await Promise.all(slots.map((s) => s.proc.kill("SIGTERM")));
      }
    });
  });

  it("loses and double-credits no acknowledged receipt and posts no epoch twice through 20 SIGKILLs of ingest processes and of the closer", async () => {
    await withPostgresSchema(async (schema) => {
      const seed = Number(process.env.MESHPAY_TEST_SEED ?? Date.now() % 1_000_000);
      const random = xorshift(seed);
      const uniform = () => {
        const b = random(3);
        return (b[0]! | (b[1]! << 8) | (b[2]! << 16)) / 2 ** 24;
      };
      const slots = await startSlots(schema, 3, true);
      const db = await schema.connect();
      const events: string[] = [`seed ${seed}`];
      let stopLoad = false;
      try {
        await waitFor("a closer", async () => (await closers(slots)).length === 1, 20_000);
        const batches = (function* () {
          for (const b of load("pg-kill", 100_000, 200)) {
            if (stopLoad) return;
            yield b;
          }
        })();
        const running = sendLoad({
          targets: slots.map((s) => s.proc.url),
          batches,
          connectionsPerTarget: 2,
          attempts: 60,
          retryDelayMs: 250,
        });
        const takeovers: number[] = [];
        const startedAt = Date.now();
        for (let k = 0; k < 20; k++) {
          await new Promise((r) => setTimeout(r, 800 + uniform() * 2200));
          // Every third kill is the closer's (posting may be mid-way), the others hit any process.
          const current = await closers(slots);
          const victim =
            k % 3 === 0 && current.length === 1 ? current[0]! : slots[Math.floor(uniform() * slots.length)]!;
          const wasCloser = current.includes(victim);
          // What the posting state machine was doing (the latest attempt's state) when the closer died.
          const posting = wasCloser
            ? (
                await db.query(
                  "SELECT epoch, state FROM epoch_posts ORDER BY updated_at DESC, epoch DESC, attempt DESC LIMIT 1",
                )
              ).rows[0]
            : undefined;
          await victim.proc.kill("SIGKILL");
          const killedAt = Date.now();
          events.push(
            `${((killedAt - startedAt) / 1000).toFixed(1)} s: SIGKILL ${victim.name}` +
              (wasCloser
                ? ` (closer; latest post: ${posting ? `epoch ${posting.epoch} ${posting.state}` : "none"})`
                : ""),
          );
          victim.proc = await startAggregatorProcess({
            dir: victim.dir,
            config: victim.config,
            env: env(),
            waitReady: false,
          });
          if (wasCloser) {
            await waitFor("the next closer", async () => (await closers(slots)).length === 1, 15_000);
            takeovers.push(Date.now() - killedAt);
          }
        }
        stopLoad = true;
        const result = await running;
        await Promise.all(slots.map((s) => waitHealthy(s.proc, 60_000)));

        // Acknowledged receipts, by the epoch their answer put them in.
        const acknowledged = new Map<string, number>();
        let unanswered = 0;
        for (const o of result.outcomes) {
          if (o.status !== 200) {
            unanswered++;
            continue;
          }
          const parsed = JSON.parse(o.body) as { results: { receiptId: Hex; status: string; epoch?: number }[] };
          for (const r of parsed.results)
            if (r.status === "accepted" || r.status === "already_accepted") acknowledged.set(r.receiptId, r.epoch!);
        }
        events.push(
          `${result.outcomes.length} batches, ${acknowledged.size} receipts acknowledged, ${unanswered} batches ` +
            `without a 200; takeovers ${takeovers.join(", ")} ms`,
        );
        assert.ok(acknowledged.size > 1000, events.join("\n"));

        // Every acknowledged receipt is stored once, in the epoch its answer named.
        const stored = new Map<string, number>();
        for (const row of (await db.query("SELECT receipt_id, epoch FROM receipts")).rows)
          stored.set(row.receipt_id, Number(row.epoch));
        const lost = [...acknowledged].filter(([id, epoch]) => stored.get(id) !== epoch);
        assert.deepEqual(lost.slice(0, 5), [], `acknowledged receipts missing or moved\n${events.join("\n")}`);
        await assertCreditedOnce(db);

        // The epochs of the acknowledged receipts get closed and posted, each once, with every receipt stored for it.
        let lastEpoch = -1;
        for (const epoch of acknowledged.values()) if (epoch > lastEpoch) lastEpoch = epoch;
        const posted = await waitFor(
          `epoch ${lastEpoch} posted`,
          async () => {
            const logs = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
            const p = parseEventLogs({ abi: rewardDistributorAbi, logs, eventName: "EpochPosted" });
            return p.some((e) => Number(e.args.epoch) === lastEpoch) ? p : undefined;
          },
          60_000,
          500,
        );
        const epochs = posted.map((e) => Number(e.args.epoch));
        events.push(`epochs posted: ${epochs.join(", ")}`);
        assert.equal(new Set(epochs).size, epochs.length, `an epoch posted twice: ${epochs.join(", ")}`);
        const replaced = parseEventLogs({
          abi: rewardDistributorAbi,
          logs: await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock }),
          eventName: "EpochReplaced",
        });
        assert.equal(replaced.length, 0, "no epoch was replaced");
        for (const epoch of new Set(acknowledged.values())) {
          assert.ok(epochs.includes(epoch), `epoch ${epoch} (with acknowledged receipts) not posted`);
          // The posting transaction the chain mined for it (recorded before it was sent), and the attempt it carried.
          const event = posted.find((e) => Number(e.args.epoch) === epoch)!;
          const post = await db.query(
            `SELECT p.receipt_count::int AS n FROM post_transactions t
               JOIN epoch_posts p ON p.epoch = t.epoch AND p.attempt = t.attempt WHERE t.tx_hash = $1`,
            [event.transactionHash.toLowerCase()],
          );
          assert.equal(
            post.rows.length,
            1,
            `epoch ${epoch}: the mined transaction ${event.transactionHash} is recorded`,
          );
          const count = await db.query(
            `SELECT COUNT(*)::int AS n FROM receipts r WHERE r.epoch = $1
               AND NOT EXISTS (SELECT 1 FROM excluded_receipts x WHERE x.epoch = r.epoch AND x.receipt_id = r.receipt_id)`,
            [epoch],
          );
          assert.equal(post.rows[0].n, count.rows[0].n, `epoch ${epoch}: the post counts every receipt stored for it`);
        }
        for (const ms of takeovers) assert.ok(ms < 10_000, `a takeover took ${ms} ms`);
        console.log(events.join("\n"));
      } finally {
        stopLoad = true;
        await db.end();
        await Promise.all(slots.map((s) => s.proc.kill("SIGKILL")));
      }
    });
  });
});
