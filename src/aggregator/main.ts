// The aggregator as a process.
//   node src/aggregator/main.ts --config aggregator.json            run the service
//   node src/aggregator/main.ts --config aggregator.json --workers 4   run it as 4 worker processes (PostgreSQL only)
//   node src/aggregator/main.ts backup --config aggregator.json --to backups/agg-2026-01-01.db
// Exit codes: 0 stopped by SIGTERM/SIGINT (or backup done), 1 failed at run time, 2 invalid configuration (the
// message names the field).
import cluster from "node:cluster";
import { Command, InvalidArgumentError } from "commander";
import { runAggregatorCluster } from "./cluster/runAggregatorCluster.ts";
import { loadConfig } from "./config/loadConfig.ts";
import { exitAggregatorWith, runAggregatorProcess } from "./runAggregatorProcess.ts";
import { backupDatabase } from "./storage/backupDatabase.ts";

const program = new Command()
  .name("meshpay-aggregator")
  .description("meshpay aggregator: receipt ingest, epoch close, root posting, bundle publishing");

program
  .command("run", { isDefault: true })
  .description("run the service (the default command)")
  .option("-c, --config <file>", "JSON configuration file (MESHPAY_* environment variables override it)")
  .option(
    "-w, --workers <n>",
    "worker processes sharing the HTTP port (overrides http.workers; more than 1 needs storage.url)",
    parseWorkers,
  )
  .addHelpText(
    "after",
    "\nExample:\n  MESHPAY_AGGREGATOR_PRIVATE_KEY=0x… node src/aggregator/main.ts --config aggregator.json",
  )
  .action(async (options: { config?: string; workers?: number }) => {
    // A worker forked by the primary runs the same command line: it is one aggregator process.
    if (cluster.isWorker) return runAggregatorProcess(options);
    try {
      // Read here for http.workers and storage.url only; the process (each worker) reads it again and warns then.
      const config = loadConfig({ file: options.config, warn: () => {} });
      const workers = options.workers ?? config.http.workers;
      if (workers === 1) return runAggregatorProcess(options);
      const code = await runAggregatorCluster(config, workers);
      process.exit(code);
    } catch (err) {
      exitAggregatorWith(1, err);
    }
  });

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
      const config = loadConfig({
        file: options.config,
        env: { ...process.env, MESHPAY_AGGREGATOR_POSTING_ENABLED: "false" },
      });
      const { pages } = await backupDatabase(config.storage.path, options.to);
      process.stdout.write(
        `backed up ${config.storage.path} to ${options.to} (${pages} pages); copy ${config.storage.bundleDir} too\n`,
      );
    } catch (err) {
      exitAggregatorWith(1, err);
    }
  });

/** `--workers`: an integer 1–256. */
function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError("expected an integer from 1 to 256");
  return n;
}

await program.parseAsync();
