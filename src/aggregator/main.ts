// The aggregator as a process.
//   node src/aggregator/main.ts --config aggregator.json            run the service
//   node src/aggregator/main.ts backup --config aggregator.json --to backups/agg-2026-01-01.db
// Exit codes: 0 stopped by SIGTERM/SIGINT (or backup done), 1 failed at run time, 2 invalid configuration (the
// message names the field).
import { Command } from "commander";
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
  .addHelpText(
    "after",
    "\nExample:\n  MESHPAY_AGGREGATOR_PRIVATE_KEY=0x… node src/aggregator/main.ts --config aggregator.json",
  )
  .action((options: { config?: string }) => runAggregatorProcess(options));

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

await program.parseAsync();
