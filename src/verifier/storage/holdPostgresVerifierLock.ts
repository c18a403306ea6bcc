import type pg from "pg";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds the session advisory lock that makes a verifier the only one on its PostgreSQL schema (two would each sign
 * and send the same challenges and claims from one account's nonces). Taken on a connection of its own at start,
 * waiting up to `waitMs` (ms) for a killed predecessor's session to end, else refused. PostgreSQL frees it when that
 * connection closes, so a verifier that dies (SIGKILL too) frees it at once. When the connection drops (an outage),
 * it is taken again in the background, every second; found held by another process meanwhile, `onLost` is called
 * (the caller stops working). `release()` frees it for good.
 */
export async function holdPostgresVerifierLock(args: {
  connect: () => Promise<pg.Client>;
  schema: string;
  waitMs?: number;
  onLost?: (error: Error) => void;
}): Promise<{ release(): Promise<void> }> {
  const key = `meshpay.verifier:${args.schema}`;
  const waitMs = args.waitMs ?? 10_000;
  let released = false;
  let current: pg.Client | undefined;

  const refused = () =>
    new Error(
      `Another verifier process holds the PostgreSQL schema "${args.schema}": run one verifier per schema ` +
        '(docs/operations.md, "PostgreSQL").',
    );
  /** Connects and tries the lock until `deadline` (unix ms); the connection holding it, or throws. */
  const take = async (deadline: number): Promise<pg.Client> => {
    for (;;) {
      const client = await args.connect();
      client.on("error", () => {});
      try {
        const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
        if (r.rows[0]!.ok) return client;
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      await client.end().catch(() => {});
      if (Date.now() >= deadline) throw refused();
      await sleep(250);
    }
  };
  const watch = (client: pg.Client) => {
    current = client;
    client.once("end", () => {
      if (released || current !== client) return;
      current = undefined;
      void retake();
    });
  };
  const retake = async () => {
    let heldElsewhereSince: number | undefined;
    while (!released) {
      try {
        const client = await take(Date.now());
        if (released) await client.end().catch(() => {});
        else watch(client);
        return;
      } catch (error) {
        if ((error as Error).message.startsWith("Another verifier")) {
          heldElsewhereSince ??= Date.now();
          if (Date.now() - heldElsewhereSince >= waitMs) {
            args.onLost?.(error as Error);
            return;
          }
        }
        await sleep(1_000);
      }
    }
  };

  watch(await take(Date.now() + waitMs));
  return {
    async release() {
      released = true;
      await current?.end().catch(() => {});
      current = undefined;
    },
  };
}
