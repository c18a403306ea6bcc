import pg from "pg";

export type LeadershipOptions = {
  /** postgres://… of the aggregator database. */
  url: string;
  /** Names the role; every process contending for it uses the same name (hashed to the advisory lock key). */
  role: string;
  /** How often a follower retries the lock (ms). Takeover after the leader dies is bounded by this. */
  retryMs?: number;
  /** How often the leader checks its session is alive (ms); a dead session is reported within ~2x this. */
  heartbeatMs?: number;
  /** Stops a follower's wait (the acquire rejects with code ABORTED). */
  signal?: AbortSignal;
};

export type Leadership = {
  /** Resolves, with the reason, as soon as the lock may no longer be held (session lost): stop acting as leader. */
  lost: Promise<Error>;
  /** Unlocks and ends the session. */
  release(): Promise<void>;
};

/**
 * Waits until this process holds the one session-level PostgreSQL advisory lock of `role` (the closer/poster
 * election: one process at a time closes epochs and posts). The lock lives on a dedicated connection: PostgreSQL
 * releases it the moment that session ends, so when the leader's process dies (SIGKILL included) its socket closes,
 * the lock frees and the next follower takes it within `retryMs`. A leader whose session breaks without its process
 * dying (network cut) learns it through `lost` within about two heartbeats and must stop; the database has already
 * freed the lock for another, so the posting state machine (every transaction recorded before it is sent) is what
 * makes a handover mid-post safe. Errors have stable codes: ABORTED.
 */
export async function acquireLeadership(options: LeadershipOptions): Promise<Leadership> {
  const retryMs = options.retryMs ?? 500;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  for (;;) {
    if (options.signal?.aborted) throw Object.assign(new Error("Leadership wait aborted."), { code: "ABORTED" });
    const client = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      statement_timeout: heartbeatMs,
      application_name: `meshpay ${options.role}`,
    });
    client.on("error", () => {});
    try {
      await client.connect();
      for (;;) {
        const got = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [
          options.role,
        ]);
        if (got.rows[0]!.ok) return hold(client, options.role, heartbeatMs);
        await sleep(retryMs, options.signal);
      }
    } catch (error) {
      await client.end().catch(() => {});
      if ((error as { code?: string }).code === "ABORTED") throw error;
      await sleep(retryMs, options.signal);
    }
  }
}

function hold(client: pg.Client, role: string, heartbeatMs: number): Leadership {
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const lost = new Promise<Error>((resolveLost) => {
    const fail = (error: Error) => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      client.end().catch(() => {});
      resolveLost(error);
    };
    client.on("error", fail);
    client.on("end", () => fail(new Error(`The session holding the ${role} lock ended.`)));
    const beat = () => {
      const deadline = setTimeout(() => fail(new Error(`The ${role} lock's session stopped answering.`)), heartbeatMs);
      client.query("SELECT 1").then(
        () => {
          clearTimeout(deadline);
          if (!released) timer = setTimeout(beat, heartbeatMs);
        },
        (error: Error) => {
          clearTimeout(deadline);
          fail(error);
        },
      );
    };
    timer = setTimeout(beat, heartbeatMs);
  });
  return {
    lost,
    async release() {
      if (released) return;
      released = true;
      clearTimeout(timer);
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [role]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolveSleep, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(Object.assign(new Error("Leadership wait aborted."), { code: "ABORTED" }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolveSleep();
    }, ms);
    if (signal?.aborted) aborted();
    else signal?.addEventListener("abort", aborted, { once: true });
  });
}
