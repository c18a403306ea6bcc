import { loadConfig } from "./config/loadConfig.ts";
import { AggregatorError } from "./errors/AggregatorError.ts";
import { type AggregatorSeams, type RunningAggregator, startAggregator } from "./startAggregator.ts";

/** Writes the error to stderr and exits: 2 for an invalid configuration (the message names the field), else `code`. */
export function exitAggregatorWith(code: number, err: unknown): never {
  if (err instanceof AggregatorError && err.code === "CONFIG_INVALID") {
    process.stderr.write(`meshpay-aggregator: ${err.code}: ${err.shortMessage}\n`);
    process.exit(2);
  }
  process.stderr.write(`meshpay-aggregator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(code);
}

/**
 * The aggregator as a process: loads the configuration, starts the service, and stops it gracefully on SIGTERM or
 * SIGINT (exit 0; forced exit 1 after 15 s). `seams` is for the test entry point only (scripts/faults/).
 */
export async function runAggregatorProcess(options: { config?: string }, seams?: AggregatorSeams): Promise<void> {
  let running: RunningAggregator | undefined;
  try {
    const config = loadConfig({ file: options.config });
    running = await startAggregator(config, { onFatal: (err) => exitAggregatorWith(1, err), seams });
  } catch (err) {
    exitAggregatorWith(1, err);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running!.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      process.stderr.write("meshpay-aggregator: shutdown took over 15 s, exiting\n");
      process.exit(1);
    }, 15_000);
    force.unref();
    running!
      .close()
      .then(() => process.exit(0))
      .catch((err) => exitAggregatorWith(1, err));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
