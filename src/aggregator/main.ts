// The aggregator as a process.
//   node src/aggregator/main.ts --config aggregator.json            run the service
//   node src/aggregator/main.ts backup --config aggregator.json --to backups/agg-2026-01-01.db
// Exit codes: 0 stopped by SIGTERM/SIGINT (or backup done), 1 failed at run time, 2 invalid configuration (the
// message names the field).
import { Command } from "commander";
import { loadConfig } from "./config/loadConfig.ts";
import { AggregatorError } from "./errors/AggregatorError.ts";
import { type RunningAggregator, startAggregator } from "./startAggregator.ts";
import { backupDatabase } from "./storage/backupDatabase.ts";

const exitWith = (code: number, err: unknown): never => {
  if (err instanceof AggregatorError && err.code === "CONFIG_INVALID") {
    process.stderr.write(`meshpay-aggregator: ${err.code}: ${err.shortMessage}\n`);
    process.exit(2);
  }
  process.stderr.write(`meshpay-aggregator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(code);
};

async function run(options: { config?: string }): Promise<void> {
  let running: RunningAggregator | undefined;
  try {
    const config = loadConfig({ file: options.config });
    running = await startAggregator(config, { onFatal: (err) => exitWith(1, err) });
  } catch (err) {
    exitWith(1, err);
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
      .catch((err) => exitWith(1, err));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

const program = new Command()
  .name("meshpay-aggregator")
  .description("meshpay aggregator: receipt ingest, epoch close, root posting, bundle publishing");

program
  .command("run", { isDefault: true })
  .description("run the service (the default command)")
  .option("-c, --config <file>", "JSON configuration file (MESHPAY_* environment variables override it)")
  .addHelpText(
    "after",
    "\nExample:\n  MESHPAY_AGGREGATOR_PRIVATE_KEY=0x… node src/aggregator/main.ts --config aggregator.json",
  )
  .action(run);

program
  .command("backup")
  .description("copy the database with SQLite's online backup (safe while the service runs)")
  .option("-c, --config <file>", "the service's configuration file (for storage.path)")
  .requiredOption("--to <file>", "where to write the copy")
  .addHelpText(
    "after",
    "\nExample:\n  node src/aggregator/main.ts backup --config aggregator.json --to backups/aggregator-$(date +%F).db",
  )
  .action(async (options: { config?: string; to: string }) => {
    try {
      // Backing up needs only storage.path: posting settings are not checked.
      const config = loadConfig({ file: options.config, env: { ...process.env, MESHPAY_POSTING_ENABLED: "false" } });
      const { pages } = await backupDatabase(config.storage.path, options.to);
      process.stdout.write(
        `backed up ${config.storage.path} to ${options.to} (${pages} pages); copy ${config.storage.bundleDir} too\n`,
      );
    } catch (err) {
      exitWith(1, err);
    }
  });

await program.parseAsync();
