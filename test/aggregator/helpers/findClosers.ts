import type { AggregatorProcess } from "./aggregatorProcess.ts";

/**
 * The processes of `procs` whose GET /readyz says they hold the closer role now (storage.closer), in `procs`' order;
 * a process that does not answer within 2 s (dead, restarting) is not one.
 */
export async function findClosers<P extends AggregatorProcess>(procs: readonly P[]): Promise<P[]> {
  const closer = await Promise.all(
    procs.map((p) =>
      fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
        async (r) => ((await r.json()) as { storage?: { closer?: boolean } }).storage?.closer === true,
        () => false,
      ),
    ),
  );
  return procs.filter((_, i) => closer[i]);
}
