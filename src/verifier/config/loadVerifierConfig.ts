import type { Address, Hex } from "../../protocol/types.ts";
import { formatConfigProblems } from "../../service/config/formatConfigProblems.ts";
import { publicUrlOf } from "../../service/config/publicUrlOf.ts";
import { readServiceConfig } from "../../service/config/readServiceConfig.ts";
import { settingKinds } from "../../service/config/settingKinds.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import { verifierConfigSchema } from "./verifierConfigSchema.ts";

/** The verifier's validated configuration (its file's keys: verifierConfigSchema, docs/operations.md "Settings"). */
export type VerifierConfig = {
  rpcUrl: string;
  /** When set, the chain must have this id. */
  chainId: number | undefined;
  distributor: Address;
  /** The distributor's deployment block (`chain.fromBlock`): events are read from here. */
  startBlock: bigint;
  confirmations: number;
  pollIntervalMs: number;
  logBlockRange: bigint;
  /** Directory for the SQLite file (verifier.db) and the bundle cache (bundles/): `storage.dir`. */
  dataDir: string;
  /** When set (`storage.url`, `storage.schema`), the store is on PostgreSQL, not in verifier.db. */
  postgres: { url: string; schema: string } | undefined;
  /** Key of the challenger / relayer account. From MESHPAY_VERIFIER_PRIVATE_KEY. */
  privateKey: Hex | undefined;
  /** `bodyLimitBytes` is the file's `http.maxBodyBytes`. */
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number };
  audit: {
    challenge: boolean;
    bundleTimeoutMs: number;
    maxBundleBytes: number;
    allowFileUris: boolean;
    /**
     * Seconds after a post a bundle may stay unavailable before it is challenged; default half the challenge window.
     */
    bundleDeadlineSeconds: bigint | undefined;
  };
  claims: {
    enabled: boolean;
    batchSize: number;
    batchWaitMs: number;
    gasPerClaim: bigint;
    minDeadlineSeconds: bigint;
    /** Token base units per 10^18 wei, per token address (lowercase). */
    tokenPerEth: Map<string, bigint>;
  };
  logLevel: string;
};

/** Old names still read, with a warning (docs/operations.md, "Settings"). */
const renamedKeys = {
  rpcUrl: "chain.rpcUrl",
  chainId: "chain.chainId",
  distributor: "chain.distributor",
  startBlock: "chain.fromBlock",
  confirmations: "chain.confirmations",
  pollIntervalMs: "chain.pollIntervalMs",
  logBlockRange: "chain.logBlockRange",
  dataDir: "storage.dir",
  "http.bodyLimitBytes": "http.maxBodyBytes",
  logLevel: "log.level",
};
const renamedEnvironment = {
  MESHPAY_VERIFIER_PORT: "MESHPAY_VERIFIER_HTTP_PORT",
  MESHPAY_VERIFIER_PUBLIC_URL: "MESHPAY_VERIFIER_HTTP_PUBLIC_URL",
  MESHPAY_VERIFIER_DATA_DIR: "MESHPAY_VERIFIER_STORAGE_DIR",
  LOG_LEVEL: "MESHPAY_LOG_LEVEL",
};

/**
 * Reads the JSON config file (optional when everything comes from the environment) and the MESHPAY_* environment
 * (which wins), validates everything at once against verifierConfigSchema: a VerifierError CONFIG_INVALID lists every
 * problem (`details.problems`; `details.field` is the first one's path). Relative paths in the file are relative to
 * the file. The private key should come from MESHPAY_VERIFIER_PRIVATE_KEY (`privateKey` in the file logs a warning in
 * main.ts). Deprecated names work and `warn` (default: stderr).
 */
export function loadVerifierConfig(args: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  warn?: (message: string) => void;
}): VerifierConfig {
  const read = readServiceConfig(
    verifierConfigSchema,
    {
      service: "verifier",
      file: args.file,
      env: args.env ?? process.env,
      cwd: args.cwd ?? process.cwd(),
      renamedKeys,
      renamedEnvironment,
      warn: args.warn ?? ((message) => process.stderr.write(`meshpay-verifier: warning: ${message}\n`)),
    },
    (raw) => {
      const flag = (section: string, key: string) => {
        const value = (raw[section] as Record<string, unknown> | undefined)?.[key];
        return value === undefined || value === null ? true : settingKinds.boolean.parse(value);
      };
      if ((flag("audit", "challenge") === true || flag("claims", "enabled") === true) && raw.privateKey == null)
        return [
          {
            path: "privateKey",
            message:
              "required to challenge or relay claims: set MESHPAY_VERIFIER_PRIVATE_KEY (or audit.challenge and " +
              "claims.enabled to false to only audit)",
          },
        ];
      return [];
    },
  );
  if (read.config === undefined)
    throw new VerifierError("CONFIG_INVALID", formatConfigProblems(read.problems), {
      status: 500,
      data: { field: read.problems[0]!.path, problems: read.problems },
    });
  const c = read.config;
  return {
    rpcUrl: c.chain.rpcUrl,
    chainId: c.chain.chainId,
    distributor: c.chain.distributor,
    startBlock: c.chain.fromBlock,
    confirmations: c.chain.confirmations,
    pollIntervalMs: c.chain.pollIntervalMs,
    logBlockRange: BigInt(c.chain.logBlockRange),
    dataDir: c.storage.dir,
    postgres: c.storage.url === undefined ? undefined : { url: c.storage.url, schema: c.storage.schema },
    privateKey: c.privateKey,
    http: { host: c.http.host, port: c.http.port, publicUrl: publicUrlOf(c.http), bodyLimitBytes: c.http.maxBodyBytes },
    audit: c.audit,
    claims: { ...c.claims, tokenPerEth: new Map(c.claims.tokenPerEth) },
    logLevel: c.log.level,
  };
}
