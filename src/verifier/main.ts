#!/usr/bin/env node
// The verifier process: `node src/verifier/main.ts --config <file>` (see docs/verifier.md).
import { Command } from "commander";
import { pino } from "pino";
import { loadVerifierConfig } from "./config/loadVerifierConfig.ts";
import { VerifierError } from "./errors/VerifierError.ts";
import { startVerifier } from "./startVerifier.ts";

const program = new Command()
  .name("meshpay-verifier")
  .description(
    "Audits every epoch the aggregator posts, challenges wrong ones, takes relays' disputes and relays paid claims.",
  )
  .option("-c, --config <file>", "JSON configuration file (environment variables override it)")
  .addHelpText(
    "after",
    "\nExample:\n  MESHPAY_VERIFIER_PRIVATE_KEY=0x… node src/verifier/main.ts --config verifier.json\n",
  )
  .parse();

const options = program.opts<{ config?: string }>();
let config;
try {
  config = loadVerifierConfig(options.config ? { file: options.config } : {});
} catch (err) {
  process.stderr.write(`${err instanceof VerifierError ? err.shortMessage : String(err)}\n`);
  process.exit(2);
}
const logger = pino({ level: config.logLevel, base: { service: "verifier" } });
if (config.privateKey && !process.env.MESHPAY_VERIFIER_PRIVATE_KEY)
  logger.warn("the private key comes from the config file; prefer MESHPAY_VERIFIER_PRIVATE_KEY");

try {
  const verifier = await startVerifier({ config, logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // A round stuck on an unreachable RPC must not keep the process alive: everything is persisted as it
    // happens, so after a grace period exiting is safe.
    setTimeout(() => {
      logger.warn({ signal }, "stopping took more than 5 s; exiting now");
      process.exit(0);
    }, 5_000).unref();
    await verifier.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (err) {
  logger.fatal({ err }, err instanceof VerifierError ? err.shortMessage : "the verifier could not start");
  process.exit(err instanceof VerifierError ? 2 : 1);
}
