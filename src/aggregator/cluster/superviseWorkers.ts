import type { Logger } from "pino";

/** One worker process as the supervisor sees it (runAggregatorCluster adapts node:cluster's Worker). */
export type SupervisedWorker = {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  /** Called once, when the process has exited: its exit code, or the signal that ended it. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
};

export type SupervisorOptions = {
  /** Worker processes kept running. */
  count: number;
  /** Starts the worker of slot `slot` (0 … count - 1). */
  fork(slot: number): SupervisedWorker;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /**
   * Restart delay of a slot whose worker died: `initialMs` doubled per death in a row, at most `maxMs`; a worker
   * that ran `stableAfterMs` or longer resets its slot to `initialMs` (ms).
   */
  backoff?: { initialMs?: number; maxMs?: number; stableAfterMs?: number };
  /** After stop(), workers still running this long are killed with SIGKILL (ms). */
  stopTimeoutMs?: number;
};

export type Supervisor = {
  /** The pids of the workers running now. */
  pids(): number[];
  /** Forwards `signal` to every worker, restarts none, and resolves with `exited` once all have exited. */
  stop(signal: NodeJS.Signals): Promise<number>;
  /**
   * The primary's exit code, once every worker is gone: 0 when all stopped cleanly after stop(), 1 otherwise, 2 when
   * a worker exited with 2 (its configuration is invalid: restarting cannot help, so the others are stopped too).
   */
  exited: Promise<number>;
};

/** Exit code of an aggregator process refusing its configuration (runAggregatorProcess). */
const CONFIG_INVALID_EXIT = 2;

/**
 * Keeps `count` worker processes running: a worker that dies (crash, SIGKILL, out of memory) is started again in its
 * slot after a backoff that grows while it keeps dying, so a worker failing at start does not spin. On stop() the
 * signal is forwarded to every worker (each stops gracefully: HTTP drained, chain round finished) and none is
 * restarted; stragglers get SIGKILL after `stopTimeoutMs`.
 */
export function superviseWorkers(options: SupervisorOptions): Supervisor {
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const stableAfterMs = options.backoff?.stableAfterMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
  const running = new Map<number, SupervisedWorker>();
  const restartTimers = new Map<number, NodeJS.Timeout>();
  const deathsInARow = new Array<number>(options.count).fill(0);
  let stopping = false;
  /** The signal stop() forwarded: a worker still starting (no handler yet) dies of it, which is a clean stop too. */
  let stopSignal: NodeJS.Signals | undefined;
  let code = 0;
  let finish: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const settleIfDone = () => {
    if (stopping && running.size === 0 && restartTimers.size === 0) finish(code);
  };

  const start = (slot: number) => {
    restartTimers.delete(slot);
    if (stopping) return settleIfDone();
    const startedAt = Date.now();
    const worker = options.fork(slot);
    running.set(slot, worker);
    options.logger.info({ slot, pid: worker.pid }, "worker started");
    worker.onExit((exitCode, signal) => {
      running.delete(slot);
      if (stopping) {
        if (exitCode !== 0 && (signal === null || signal !== stopSignal))
          code = code === CONFIG_INVALID_EXIT ? code : 1;
        return settleIfDone();
      }
      if (exitCode === CONFIG_INVALID_EXIT) {
        options.logger.error({ slot, pid: worker.pid }, "worker refused its configuration; stopping all workers");
        code = CONFIG_INVALID_EXIT;
        void stopAll("SIGTERM");
        return;
      }
      if (Date.now() - startedAt >= stableAfterMs) deathsInARow[slot] = 0;
      const delayMs = Math.min(maxMs, initialMs * 2 ** deathsInARow[slot]!);
      deathsInARow[slot]! += 1;
      options.logger.warn(
        { slot, pid: worker.pid, code: exitCode, signal, restartInMs: delayMs },
        "worker died; restarting it",
      );
      restartTimers.set(
        slot,
        setTimeout(() => start(slot), delayMs),
      );
    });
  };

  const stopAll = (signal: NodeJS.Signals): Promise<number> => {
    if (!stopping) {
      stopping = true;
      stopSignal = signal;
      for (const timer of restartTimers.values()) clearTimeout(timer);
      restartTimers.clear();
      for (const worker of running.values()) worker.kill(signal);
      const force = setTimeout(() => {
        for (const worker of running.values()) worker.kill("SIGKILL");
      }, stopTimeoutMs);
      force.unref();
      void exited.then(() => clearTimeout(force));
      settleIfDone();
    }
    return exited;
  };

  for (let slot = 0; slot < options.count; slot++) start(slot);

  return {
    pids: () => [...running.values()].map((w) => w.pid).filter((pid): pid is number => pid !== undefined),
    stop: stopAll,
    exited,
  };
}
