import type pg from "pg";
import { guardPostgresOutage } from "../../protocol/node/guardPostgresOutage.ts";
import { runPostgresTransaction } from "../../protocol/node/runPostgresTransaction.ts";
import type { EpochPost, EpochStore, PostTransaction } from "./EpochStore.ts";

type Queryable = Pick<pg.ClientBase, "query">;

/** epoch_posts' columns as EpochPost's fields (pg returns BIGINT as text: epochPostFrom makes them numbers). */
const POST_COLUMNS = `epoch, attempt, state, root, bundle_hash AS "bundleHash", file_hash AS "fileHash",
  bundle_uri AS "bundleUri", bundle_path AS "bundlePath", bundle_bytes AS "bundleBytes",
  leaves_offset AS "leavesOffset", servable, snapshot_block AS "snapshotBlock",
  previous_bundle_hash AS "previousBundleHash", pool_totals AS "poolTotals", receipt_count AS "receiptCount",
  ticket_count AS "ticketCount", leaf_count AS "leafCount", fault, nonce, tx_hash AS "txHash",
  mined_block AS "minedBlock", mined_tx_hash AS "minedTxHash", posted_at AS "postedAt", challenge_id AS "challengeId",
  error, replaced, created_at AS "createdAt", updated_at AS "updatedAt"`;
const POST_NUMBERS = [
  "epoch",
  "attempt",
  "bundleBytes",
  "leavesOffset",
  "servable",
  "snapshotBlock",
  "receiptCount",
  "ticketCount",
  "leafCount",
  "nonce",
  "minedBlock",
  "postedAt",
  "createdAt",
  "updatedAt",
] as const;
const LIVE = "state IN ('mined', 'claimable')";

function epochPostFrom(row: Record<string, unknown>): EpochPost {
  const out: Record<string, unknown> = { ...row };
  for (const k of POST_NUMBERS) if (out[k] !== null) out[k] = Number(out[k]);
  return out as EpochPost;
}

/**
 * The epoch store on PostgreSQL (the tables of migratePostgresDatabase, in the pool's search_path), the same
 * statements and semantics as the SQLite one; every multi-row change is one transaction on one pooled connection.
 * Only the closer (the process holding the leadership) writes here; any process reads it for the API.
 */
export function createPostgresEpochStore(pool: pg.Pool, now: () => number = Date.now): EpochStore {
  pool.on("error", () => {});
  const rows = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await guardPostgresOutage(() => pool.query<R>(text, values))).rows;
  const posts = async (where: string, values: unknown[], tail = "ORDER BY epoch, attempt") =>
    (await rows(`SELECT ${POST_COLUMNS} FROM epoch_posts WHERE ${where} ${tail}`, values)).map(epochPostFrom);
  const first = async (where: string, values: unknown[], order: string) =>
    (await posts(where, values, `ORDER BY ${order} LIMIT 1`))[0];
  const update = (q: Queryable, epoch: number, attempt: number, set: Record<string, unknown>) => {
    const entries = Object.entries({ ...set, updated_at: now() });
    return q.query(
      `UPDATE epoch_posts SET ${entries.map(([k], i) => `${k} = $${i + 3}`).join(", ")}
       WHERE epoch = $1 AND attempt = $2`,
      [epoch, attempt, ...entries.map(([, v]) => v)],
    );
  };
  const updateNow = (epoch: number, attempt: number, set: Record<string, unknown>) =>
    guardPostgresOutage(() => update(pool, epoch, attempt, set)).then(() => {});
  const maxEpoch = async (where: string) => {
    const [row] = await rows<{ e: string | null }>(`SELECT MAX(epoch) AS e FROM epoch_posts WHERE ${where}`);
    return row?.e == null ? undefined : Number(row.e);
  };

  return {
    async nextAttempt(epoch) {
      const [row] = await rows<{ a: string | null }>("SELECT MAX(attempt) AS a FROM epoch_posts WHERE epoch = $1", [
        epoch,
      ]);
      return Number(row?.a ?? 0) + 1;
    },
    insertPrepared: (r, meta) =>
      runPostgresTransaction(pool, async (client) => {
        await client.query(
          `UPDATE epoch_posts SET state = 'failed', error = 'superseded by a newer attempt before it was sent',
             updated_at = $2 WHERE epoch = $1 AND state = 'prepared'`,
          [r.epoch, now()],
        );
        await client.query(
          `INSERT INTO epoch_posts (epoch, attempt, state, root, bundle_hash, file_hash, bundle_uri, bundle_path,
             bundle_bytes, leaves_offset, servable, snapshot_block, previous_bundle_hash, pool_totals, receipt_count,
             ticket_count, leaf_count, fault, replaced, created_at, updated_at)
           VALUES ($1, $2, 'prepared', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
             $19)`,
          [
            r.epoch,
            r.attempt,
            r.root,
            r.bundleHash,
            r.fileHash,
            meta.bundleUri,
            r.path,
            r.bytes,
            r.leavesOffset,
            r.servable ? 1 : 0,
            meta.snapshotBlock,
            meta.previousBundleHash,
            JSON.stringify(r.poolTotals),
            r.receiptCount,
            r.ticketCount,
            r.leafCount,
            r.tampered,
            meta.replaced === null ? null : JSON.stringify(meta.replaced),
            now(),
          ],
        );
        if (r.excluded.length > 0)
          await client.query(
            `INSERT INTO excluded_receipts (epoch, receipt_id, reason)
             SELECT $1, id, reason FROM unnest($2::text[], $3::text[]) AS u(id, reason)
             ON CONFLICT (epoch, receipt_id) DO NOTHING`,
            [r.epoch, r.excluded.map((x) => x.receiptId), r.excluded.map((x) => x.reason)],
          );
      }),
    get: (epoch, attempt) => first("epoch = $1 AND attempt = $2", [epoch, attempt], "attempt"),
    attempts: (epoch) => posts("epoch = $1", [epoch], "ORDER BY attempt"),
    inState: (state, limit = 1000) => posts("state = $1", [state], `ORDER BY epoch, attempt LIMIT ${Number(limit)}`),
    live: (epoch) => first(`epoch = $1 AND ${LIVE}`, [epoch], "attempt DESC"),
    latestLive: () => first(LIVE, [], "epoch DESC, attempt DESC"),
    liveFrom: (epoch) => posts(`epoch >= $1 AND ${LIVE}`, [epoch]),
    latestPrepared: (epoch) => first("epoch = $1 AND state = 'prepared'", [epoch], "attempt DESC"),
    current: (epoch) => first("epoch = $1 AND state <> 'failed'", [epoch], "attempt DESC"),
    byBundleHash: (epoch, bundleHash) =>
      first("epoch = $1 AND bundle_hash = $2", [epoch, bundleHash.toLowerCase()], "attempt DESC"),
    recordSubmission: (epoch, attempt, t) =>
      runPostgresTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO post_transactions (tx_hash, epoch, attempt, nonce, raw_transaction, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_hash) DO NOTHING`,
          [t.txHash, epoch, attempt, t.nonce, t.raw, now()],
        );
        await update(client, epoch, attempt, { state: "submitted", nonce: t.nonce, tx_hash: t.txHash, error: null });
      }),
    async transactions(epoch, attempt) {
      const found = await rows<Record<string, string>>(
        `SELECT tx_hash AS "txHash", epoch, attempt, nonce, raw_transaction AS "rawTransaction",
           created_at AS "createdAt"
         FROM post_transactions WHERE epoch = $1 AND attempt = $2 ORDER BY created_at`,
        [epoch, attempt],
      );
      return found.map(
        (t): PostTransaction => ({
          txHash: t.txHash!,
          epoch: Number(t.epoch),
          attempt: Number(t.attempt),
          nonce: Number(t.nonce),
          rawTransaction: t.rawTransaction!,
          createdAt: Number(t.createdAt),
        }),
      );
    },
    markMined: (epoch, attempt, m) =>
      runPostgresTransaction(pool, async (client) => {
        await client.query(
          `UPDATE epoch_posts SET state = 'rejected', updated_at = $3 WHERE epoch = $1 AND attempt < $2 AND ${LIVE}`,
          [epoch, attempt, now()],
        );
        await update(client, epoch, attempt, {
          state: "mined",
          mined_block: m.block,
          mined_tx_hash: m.txHash,
          posted_at: m.postedAt,
          error: null,
        });
      }),
    markFailed: (epoch, attempt, error) => updateNow(epoch, attempt, { state: "failed", error }),
    markRejected: (epoch, attempt, challengeId) =>
      updateNow(epoch, attempt, {
        state: "rejected",
        ...(challengeId === undefined ? {} : { challenge_id: challengeId }),
      }),
    markClaimable: (epoch, attempt) => updateNow(epoch, attempt, { state: "claimable" }),
    setChallenge: (epoch, attempt, challengeId) => updateNow(epoch, attempt, { challenge_id: challengeId }),
    setError: (epoch, attempt, error) => updateNow(epoch, attempt, { error }),
    async stats(epoch) {
      const found = await rows<{ poolId: string; receiptCount: string; bytes: string }>(
        `SELECT pool_id AS "poolId", receipt_count AS "receiptCount", bytes FROM epoch_stats WHERE epoch = $1
         ORDER BY pool_id`,
        [epoch],
      );
      return found.map((s) => ({
        poolId: s.poolId as `0x${string}`,
        receiptCount: Number(s.receiptCount),
        bytes: Number(s.bytes),
      }));
    },
    async statsRange(from, to) {
      const found = await rows<{ epoch: string; n: string; b: string }>(
        `SELECT epoch, SUM(receipt_count) AS n, SUM(bytes) AS b FROM epoch_stats WHERE epoch >= $1 AND epoch < $2
         GROUP BY epoch`,
        [from, to],
      );
      return new Map(found.map((r) => [Number(r.epoch), { receiptCount: Number(r.n), bytes: Number(r.b) }]));
    },
    async countByState() {
      const found = await rows<{ state: string; n: string }>(
        "SELECT state, COUNT(*) AS n FROM epoch_posts GROUP BY state",
      );
      return new Map(found.map((r) => [r.state, Number(r.n)]));
    },
    latestClosed: () => maxEpoch("TRUE"),
    latestClaimable: () => maxEpoch("state = 'claimable'"),
  };
}
