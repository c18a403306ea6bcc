import { formatConfigProblems } from "../../service/config/formatConfigProblems.ts";
import { publicUrlOf } from "../../service/config/publicUrlOf.ts";
import { readServiceConfig } from "../../service/config/readServiceConfig.ts";
import { settingKinds } from "../../service/config/settingKinds.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { AggregatorConfig } from "./AggregatorConfig.ts";
import { aggregatorConfigSchema } from "./aggregatorConfigSchema.ts";

/** Said when a config asks for fault injection, which only the separate test entry point has. */
const NOT_IN_PRODUCTION =
  "fault injection is not part of the production aggregator (tests and the demo start " +
  "scripts/faults/faultyAggregatorMain.ts instead)";

/** Old names still read, with a warning (docs/operations.md, "Settings"). */
const renamedKeys = { "chain.logChunkBlocks": "chain.logBlockRange", "posting.privateKey": "privateKey" };
const renamedEnvironment = {
  MESHPAY_HTTP_HOST: "MESHPAY_AGGREGATOR_HTTP_HOST",
  MESHPAY_HTTP_PORT: "MESHPAY_AGGREGATOR_HTTP_PORT",
  MESHPAY_PUBLIC_URL: "MESHPAY_AGGREGATOR_HTTP_PUBLIC_URL",
  MESHPAY_DB_PATH: "MESHPAY_AGGREGATOR_STORAGE_PATH",
  MESHPAY_BUNDLE_DIR: "MESHPAY_AGGREGATOR_STORAGE_BUNDLE_DIR",
  MESHPAY_POSTING_ENABLED: "MESHPAY_AGGREGATOR_POSTING_ENABLED",
};

/**
 * Reads the JSON config file (optional) and the MESHPAY_* environment (which wins), validates every setting against
 * aggregatorConfigSchema and returns the configuration. Throws AggregatorError CONFIG_INVALID listing every wrong
 * setting (`details.problems`; `details.field` is the first one's path). Relative paths in the file are resolved
 * against the file's folder; in the environment, against the cwd. Deprecated names work and `warn` (default: stderr).
 */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string; warn?: (message: string) => void } = {},
): AggregatorConfig {
  const env = options.env ?? process.env;
  const read = readServiceConfig(
    aggregatorConfigSchema,
    {
      service: "aggregator",
      file: options.file,
      env,
      cwd: options.cwd ?? process.cwd(),
      renamedKeys,
      renamedEnvironment,
      unknownKeyHint: (path) => (path === "fault" || path.startsWith("testing.") ? NOT_IN_PRODUCTION : undefined),
      warn: options.warn ?? ((message) => process.stderr.write(`meshpay-aggregator: warning: ${message}\n`)),
    },
    (raw) => {
      const problems: { path: string; message: string }[] = [];
      if (env.MESHPAY_FAULT !== undefined && env.MESHPAY_FAULT !== "")
        problems.push({ path: "fault", message: `MESHPAY_FAULT is set, but ${NOT_IN_PRODUCTION}` });
      const posting = raw.posting as Record<string, unknown> | undefined;
      const enabled = posting?.enabled === undefined ? true : settingKinds.boolean.parse(posting.enabled);
      if (enabled === true && (raw.privateKey === undefined || raw.privateKey === null))
        problems.push({
          path: "privateKey",
          message:
            "required when posting: set MESHPAY_AGGREGATOR_PRIVATE_KEY (or posting.enabled = false for an " +
            "ingest-only node)",
        });
      return problems;
    },
  );
  if (read.config === undefined)
    throw new AggregatorError("CONFIG_INVALID", formatConfigProblems(read.problems), {
      status: 500,
      data: { field: read.problems[0]!.path, problems: read.problems },
    });
  const c = read.config;
  return {
    http: {
      host: c.http.host,
      port: c.http.port,
      publicUrl: publicUrlOf(c.http),
      maxBodyBytes: c.http.maxBodyBytes,
      workers: c.http.workers,
    },
    ingest: { ...c.ingest, contentBindingPools: [...c.ingest.contentBindingPools] },
    rateLimit: c.rateLimit,
    storage: c.storage,
    chain: {
      rpcUrl: c.chain.rpcUrl,
      distributor: c.chain.distributor,
      chainId: c.chain.chainId,
      pollIntervalMs: c.chain.pollIntervalMs,
      confirmations: c.chain.confirmations,
      fromBlock: c.chain.fromBlock,
      logBlockRange: c.chain.logBlockRange,
      requestTimeoutMs: c.chain.requestTimeoutMs,
    },
    posting: { ...c.posting, privateKey: c.privateKey },
    log: c.log,
    testing: c.testing,
  };
}
