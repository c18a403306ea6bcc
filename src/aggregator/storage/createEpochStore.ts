import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Hex } from "../../protocol/types.ts";
import type { EpochPost, EpochStore, PostState } from "./EpochStore.ts";
import type { AggregatorDatabase } from "./openDatabase.ts";
import { epochPosts, epochStats, excludedReceipts, postTransactions } from "./schema.ts";

/** States in which an attempt is (or may become) the epoch's root on chain. */
const LIVE: PostState[] = ["mined", "claimable"];

/** The epoch store on SQLite, through drizzle (each method's work is done, synchronously, before it resolves). */
export function createEpochStore(database: AggregatorDatabase, now: () => number = Date.now): EpochStore {
  const { db, sqlite } = database;
  const tx = <T>(fn: () => T): T => sqlite.transaction(fn).immediate();
  const update = (epoch: number, attempt: number, set: Partial<typeof epochPosts.$inferInsert>) =>
    db
      .update(epochPosts)
      .set({ ...set, updatedAt: now() })
      .where(and(eq(epochPosts.epoch, epoch), eq(epochPosts.attempt, attempt)))
      .run();

  return {
    /** Next attempt number for `epoch`. */
    async nextAttempt(epoch: number) {
      const row = db
        .select({ a: sql<number | null>`MAX(${epochPosts.attempt})` })
        .from(epochPosts)
        .where(eq(epochPosts.epoch, epoch))
        .get();
      return (row?.a ?? 0) + 1;
    },
    /**
     * Records a prepared attempt (and the receipts its close left out); older unsent attempts of the epoch are
     * superseded.
     */
    async insertPrepared(r, meta) {
      tx(() => {
        db.update(epochPosts)
          .set({ state: "failed", error: "superseded by a newer attempt before it was sent", updatedAt: now() })
          .where(and(eq(epochPosts.epoch, r.epoch), eq(epochPosts.state, "prepared")))
          .run();
        db.insert(epochPosts)
          .values({
            epoch: r.epoch,
            attempt: r.attempt,
            state: "prepared",
            root: r.root,
            bundleHash: r.bundleHash,
            fileHash: r.fileHash,
            bundleUri: meta.bundleUri,
            bundlePath: r.path,
            bundleBytes: r.bytes,
            leavesOffset: r.leavesOffset,
            servable: r.servable ? 1 : 0,
            snapshotBlock: meta.snapshotBlock,
            previousBundleHash: meta.previousBundleHash,
            poolTotals: JSON.stringify(r.poolTotals),
            receiptCount: r.receiptCount,
            ticketCount: r.ticketCount,
            leafCount: r.leafCount,
            fault: r.tampered,
            replaced: meta.replaced === null ? null : JSON.stringify(meta.replaced),
            createdAt: now(),
            updatedAt: now(),
          })
          .run();
        for (const x of r.excluded)
          db.insert(excludedReceipts)
            .values({ epoch: r.epoch, receiptId: x.receiptId, reason: x.reason })
            .onConflictDoNothing()
            .run();
      });
    },
    async get(epoch: number, attempt: number) {
      return db
        .select()
        .from(epochPosts)
        .where(and(eq(epochPosts.epoch, epoch), eq(epochPosts.attempt, attempt)))
        .get() as EpochPost | undefined;
    },
    async attempts(epoch: number) {
      return db
        .select()
        .from(epochPosts)
        .where(eq(epochPosts.epoch, epoch))
        .orderBy(asc(epochPosts.attempt))
        .all() as EpochPost[];
    },
    async inState(state: PostState, limit = 1000) {
      return db
        .select()
        .from(epochPosts)
        .where(eq(epochPosts.state, state))
        .orderBy(asc(epochPosts.epoch), asc(epochPosts.attempt))
        .limit(limit)
        .all() as EpochPost[];
    },
    /** The attempt that is the epoch's root on chain (mined or claimable), if any. */
    async live(epoch: number) {
      return db
        .select()
        .from(epochPosts)
        .where(and(eq(epochPosts.epoch, epoch), inArray(epochPosts.state, LIVE)))
        .orderBy(desc(epochPosts.attempt))
        .get() as EpochPost | undefined;
    },
    /** The newest epoch's live attempt (the latest root this aggregator has on chain), if any. */
    async latestLive() {
      return db
        .select()
        .from(epochPosts)
        .where(inArray(epochPosts.state, LIVE))
        .orderBy(desc(epochPosts.epoch), desc(epochPosts.attempt))
        .get() as EpochPost | undefined;
    },
    /** Live attempts at or above `epoch` (after a rejection, or a reorg, these are no longer on chain). */
    async liveFrom(epoch: number) {
      return db
        .select()
        .from(epochPosts)
        .where(and(gte(epochPosts.epoch, epoch), inArray(epochPosts.state, LIVE)))
        .all() as EpochPost[];
    },
    async latestPrepared(epoch: number) {
      return db
        .select()
        .from(epochPosts)
        .where(and(eq(epochPosts.epoch, epoch), eq(epochPosts.state, "prepared")))
        .orderBy(desc(epochPosts.attempt))
        .get() as EpochPost | undefined;
    },
    /** The attempt the API shows for an epoch: the latest one that was not abandoned. */
    async current(epoch: number) {
      return db
        .select()
        .from(epochPosts)
        .where(and(eq(epochPosts.epoch, epoch), sql`${epochPosts.state} <> 'failed'`))
        .orderBy(desc(epochPosts.attempt))
        .get() as EpochPost | undefined;
    },
    async byBundleHash(epoch: number, bundleHash: string) {
      return db
        .select()
        .from(epochPosts)
        .where(and(eq(epochPosts.epoch, epoch), eq(epochPosts.bundleHash, bundleHash.toLowerCase())))
        .orderBy(desc(epochPosts.attempt))
        .get() as EpochPost | undefined;
    },
    /** Records a signed transaction and moves the attempt to submitted, in one transaction, before broadcasting. */
    async recordSubmission(epoch: number, attempt: number, t) {
      tx(() => {
        db.insert(postTransactions)
          .values({ txHash: t.txHash, epoch, attempt, nonce: t.nonce, rawTransaction: t.raw, createdAt: now() })
          .onConflictDoNothing()
          .run();
        update(epoch, attempt, { state: "submitted", nonce: t.nonce, txHash: t.txHash, error: null });
      });
    },
    async transactions(epoch: number, attempt: number) {
      return db
        .select()
        .from(postTransactions)
        .where(and(eq(postTransactions.epoch, epoch), eq(postTransactions.attempt, attempt)))
        .orderBy(asc(postTransactions.createdAt))
        .all();
    },
    /** Marks an attempt mined; any older live attempt of the same epoch was rejected (it was re-posted). */
    async markMined(epoch: number, attempt: number, m) {
      tx(() => {
        db.update(epochPosts)
          .set({ state: "rejected", updatedAt: now() })
          .where(and(eq(epochPosts.epoch, epoch), lt(epochPosts.attempt, attempt), inArray(epochPosts.state, LIVE)))
          .run();
        update(epoch, attempt, {
          state: "mined",
          minedBlock: m.block,
          minedTxHash: m.txHash,
          postedAt: m.postedAt,
          error: null,
        });
      });
    },
    async markFailed(epoch: number, attempt: number, error: string) {
      update(epoch, attempt, { state: "failed", error });
    },
    async markRejected(epoch: number, attempt: number, challengeId?: string) {
      update(epoch, attempt, { state: "rejected", ...(challengeId === undefined ? {} : { challengeId }) });
    },
    async markClaimable(epoch: number, attempt: number) {
      update(epoch, attempt, { state: "claimable" });
    },
    async setChallenge(epoch: number, attempt: number, challengeId: string) {
      update(epoch, attempt, { challengeId });
    },
    async setError(epoch: number, attempt: number, error: string | null) {
      update(epoch, attempt, { error });
    },
    /** Pools with receipts in `epoch` and their ingest totals. */
    async stats(epoch: number) {
      return db
        .select({ poolId: epochStats.poolId, receiptCount: epochStats.receiptCount, bytes: epochStats.bytes })
        .from(epochStats)
        .where(eq(epochStats.epoch, epoch))
        .orderBy(asc(epochStats.poolId))
        .all() as { poolId: Hex; receiptCount: number; bytes: number }[];
    },
    /** Ingest totals of epochs in [from, to). */
    async statsRange(from: number, to: number) {
      const rows = db
        .select({
          epoch: epochStats.epoch,
          receiptCount: sql<number>`SUM(${epochStats.receiptCount})`,
          bytes: sql<number>`SUM(${epochStats.bytes})`,
        })
        .from(epochStats)
        .where(and(gte(epochStats.epoch, from), lt(epochStats.epoch, to)))
        .groupBy(epochStats.epoch)
        .all();
      return new Map(rows.map((r) => [r.epoch, { receiptCount: r.receiptCount, bytes: r.bytes }]));
    },
    /** Attempts per state (for the metrics gauge). */
    async countByState() {
      const rows = db
        .select({ state: epochPosts.state, n: sql<number>`COUNT(*)` })
        .from(epochPosts)
        .groupBy(epochPosts.state)
        .all();
      return new Map(rows.map((r) => [r.state, r.n]));
    },
    /** The latest epoch with any post attempt (it was closed), or undefined. */
    async latestClosed() {
      return (
        db
          .select({ e: sql<number | null>`MAX(${epochPosts.epoch})` })
          .from(epochPosts)
          .get()?.e ?? undefined
      );
    },
    /** The latest claimable epoch this aggregator posted, or undefined. */
    async latestClaimable() {
      return (
        db
          .select({ e: sql<number | null>`MAX(${epochPosts.epoch})` })
          .from(epochPosts)
          .where(eq(epochPosts.state, "claimable"))
          .get()?.e ?? undefined
      );
    },
  };
}
