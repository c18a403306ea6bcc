import cluster from "node:cluster";
import { pino } from "pino";
import type { AggregatorConfig } from "../config/AggregatorConfig.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import { superviseWorkers } from "./superviseWorkers.ts";

/**
 * The primary of `meshpay-aggregator --workers N` (or `http.workers: N`): forks N workers with node:cluster, each a
 * whole aggregator on the same database (this entry point, run again; main.ts runs a worker as one aggregator
 * process), sharing the HTTP port (the primary accepts connections and hands them round robin to the workers). A
 * worker that dies is started again with backoff (superviseWorkers); SIGTERM or SIGINT is forwarded for a clean stop
 * and the primary exits 0 when every worker stopped cleanly, 1 otherwise, 2 when a worker refused the configuration.
 *
 * N > 1 needs PostgreSQL: the workers elect their one closer and poster through the database, which SQLite cannot
 * do across processes (nor write from several at once), so that is refused with CONFIG_INVALID naming storage.url.
 */
export function runAggregatorCluster(config: AggregatorConfig, workers: number): Promise<number> {
  if (workers > 1 && config.storage.url === undefined)
    throw new AggregatorError(
      "CONFIG_INVALID",
      `Invalid configuration: storage.url: ${workers} workers need PostgreSQL (storage.url = postgres://…); on ` +
        `SQLite (storage.path ${config.storage.path}) one process closes and posts, so run one worker.`,
      { status: 500, data: { field: "storage.url" } },
    );
  const logger = pino({ level: config.log.level, base: { service: "meshpay-aggregator", role: "primary" } });
  const supervisor = superviseWorkers({
    count: workers,
    fork: () => {
      const worker = cluster.fork();
      return {
        pid: worker.process.pid,
        kill: (signal) => {
          if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill(signal);
        },
        onExit: (listener) => worker.once("exit", (code, signal) => listener(code, signal as NodeJS.Signals | null)),
      };
    },
    logger,
  });
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal, workers: supervisor.pids() }, "stopping the workers");
    void supervisor.stop(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return supervisor.exited.then((code) => {
    logger.info({ code }, "all workers stopped");
    return code;
  });
}
