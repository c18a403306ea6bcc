import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
} from "./aggregatorProcess.ts";
import type { Deployment, LocalChain } from "./localChain.ts";

/**
 * Starts an aggregator process following deployment `d` on `chain`: a fresh work folder (`name` in its name), a free
 * port, aggregatorConfig with `overrides`, `env` for the process; waits for /healthz unless `waitReady` is false.
 * Returns the process with the config it runs, to restart it with (startAggregatorProcess with `dir` and `config`).
 */
export async function startChainAggregator(
  chain: LocalChain,
  d: Deployment,
  options: {
    name: string;
    overrides?: Record<string, Record<string, unknown> | null>;
    env?: Record<string, string>;
    waitReady?: boolean;
  },
): Promise<AggregatorProcess & { config: Record<string, unknown> }> {
  const dir = makeWorkDir(options.name);
  const config = aggregatorConfig({
    dir,
    port: await freePort(),
    rpcUrl: chain.rpcUrl,
    distributor: d.distributor,
    fromBlock: d.fromBlock,
    overrides: options.overrides,
  });
  const proc = await startAggregatorProcess({ dir, config, env: options.env, waitReady: options.waitReady });
  return Object.assign(proc, { config });
}
