import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Address, Hex } from "../../protocol/types.ts";
import { VerifierError } from "../errors/VerifierError.ts";

/** The verifier's validated configuration (docs/verifier.md, "Configuration"). */
export type VerifierConfig = {
  rpcUrl: string;
  /** When set, the chain must have this id. */
  chainId: number | undefined;
  distributor: Address;
  /** The distributor's deployment block: events are read from here. */
  startBlock: bigint;
  confirmations: number;
  pollIntervalMs: number;
  logBlockRange: bigint;
  /** Directory for the SQLite file (verifier.db) and the bundle cache (bundles/). */
  dataDir: string;
  /** Key of the challenger / relayer account. From MESHPAY_VERIFIER_PRIVATE_KEY. */
  privateKey: Hex | undefined;
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

const ENV = {
  rpcUrl: "MESHPAY_RPC_URL",
  distributor: "MESHPAY_DISTRIBUTOR",
  privateKey: "MESHPAY_VERIFIER_PRIVATE_KEY",
  port: "MESHPAY_VERIFIER_PORT",
  publicUrl: "MESHPAY_VERIFIER_PUBLIC_URL",
  dataDir: "MESHPAY_VERIFIER_DATA_DIR",
  logLevel: "LOG_LEVEL",
} as const;

/**
 * Reads the JSON config file (optional when everything comes from the environment), applies the environment
 * overrides above and validates everything at once: a VerifierError CONFIG_INVALID lists every problem.
 * Relative paths in the file are relative to the file. The private key is read only from the environment
 * (or `privateKey` in the file, which is discouraged: it logs a warning in main.ts).
 */
export function loadVerifierConfig(args: { file?: string; env?: NodeJS.ProcessEnv }): VerifierConfig {
  const env = args.env ?? process.env;
  let raw: Record<string, unknown> = {};
  const base = args.file ? dirname(resolve(args.file)) : process.cwd();
  if (args.file) {
    let text: string;
    try {
      text = readFileSync(args.file, "utf8");
    } catch (err) {
      throw new VerifierError("CONFIG_INVALID", `Cannot read the config file ${args.file}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new VerifierError(
        "CONFIG_INVALID",
        `The config file ${args.file} is not valid JSON: ${(err as Error).message}`,
      );
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      throw new VerifierError("CONFIG_INVALID", `The config file ${args.file} must hold a JSON object.`);
  }
  const problems: string[] = [];
  const obj = (v: unknown, name: string): Record<string, unknown> => {
    if (v === undefined) return {};
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    problems.push(`${name} must be an object`);
    return {};
  };
  const known = (o: Record<string, unknown>, keys: string[], name: string) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) problems.push(`${name}${k} is not a known setting`);
  };
  known(
    raw,
    [
      "rpcUrl",
      "chainId",
      "distributor",
      "startBlock",
      "confirmations",
      "pollIntervalMs",
      "logBlockRange",
      "dataDir",
      "privateKey",
      "http",
      "audit",
      "claims",
      "logLevel",
    ],
    "",
  );
  const http = obj(raw.http, "http");
  const audit = obj(raw.audit, "audit");
  const claims = obj(raw.claims, "claims");
  known(http, ["host", "port", "publicUrl", "bodyLimitBytes"], "http.");
  known(audit, ["challenge", "bundleTimeoutMs", "maxBundleBytes", "allowFileUris", "bundleDeadlineSeconds"], "audit.");
  known(claims, ["enabled", "batchSize", "batchWaitMs", "gasPerClaim", "minDeadlineSeconds", "tokenPerEth"], "claims.");

  const str = (v: unknown, name: string, fallback?: string): string => {
    if (v === undefined) {
      if (fallback === undefined) problems.push(`${name} is required`);
      return fallback ?? "";
    }
    if (typeof v !== "string" || v.length === 0) problems.push(`${name} must be a non-empty string`);
    return String(v);
  };
  const int = (v: unknown, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    if (v === undefined) return fallback;
    const n = typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}]`);
      return fallback;
    }
    return n;
  };
  const big = (v: unknown, name: string, fallback: bigint): bigint => {
    if (v === undefined) return fallback;
    if (
      (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) ||
      (typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v))
    )
      return BigInt(v);
    problems.push(`${name} must be a non-negative integer (a decimal string for large values)`);
    return fallback;
  };
  const bool = (v: unknown, name: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") problems.push(`${name} must be true or false`);
    return v === true;
  };

  const rpcUrl = str(env[ENV.rpcUrl] ?? raw.rpcUrl, `rpcUrl (or ${ENV.rpcUrl})`);
  if (rpcUrl && !/^(https?|wss?):\/\//.test(rpcUrl)) problems.push("rpcUrl must be an http(s) or ws(s) URL");
  const distributor = str(env[ENV.distributor] ?? raw.distributor, `distributor (or ${ENV.distributor})`);
  if (distributor && !/^0x[0-9a-fA-F]{40}$/.test(distributor)) problems.push("distributor must be a 0x-hex address");
  const privateKey = (env[ENV.privateKey] ?? raw.privateKey) as string | undefined;
  if (privateKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(privateKey))
    problems.push(`${ENV.privateKey} must be a 0x-hex 32-byte private key`);
  const port = int(env[ENV.port] ?? http.port, "http.port", 8547, 0, 65_535);
  const host = str(http.host, "http.host", "127.0.0.1");
  const publicUrl = str(
    env[ENV.publicUrl] ?? http.publicUrl,
    "http.publicUrl",
    `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
  );
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push("http.publicUrl must be an http(s) URL");
  const dataDir = resolve(base, str(env[ENV.dataDir] ?? raw.dataDir, "dataDir", ".data/verifier"));
  const tokenPerEth = new Map<string, bigint>();
  const prices = obj(claims.tokenPerEth, "claims.tokenPerEth");
  for (const [token, value] of Object.entries(prices)) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(token)) problems.push(`claims.tokenPerEth key ${token} must be a token address`);
    tokenPerEth.set(token.toLowerCase(), big(value, `claims.tokenPerEth.${token}`, 0n));
  }
  const claimsEnabled = bool(claims.enabled, "claims.enabled", true);
  const challenge = bool(audit.challenge, "audit.challenge", true);
  if ((claimsEnabled || challenge) && privateKey === undefined)
    problems.push(
      `${ENV.privateKey} is required to challenge or relay claims (set audit.challenge and claims.enabled to false ` +
        `to only audit)`,
    );
  const chainId = raw.chainId === undefined ? undefined : int(raw.chainId, "chainId", 0, 1);

  const config: VerifierConfig = {
    rpcUrl,
    chainId,
    distributor: distributor.toLowerCase() as Address,
    startBlock: big(raw.startBlock, "startBlock", 0n),
    confirmations: int(raw.confirmations, "confirmations", 2, 0, 1_000),
    pollIntervalMs: int(raw.pollIntervalMs, "pollIntervalMs", 2_000, 50),
    logBlockRange: big(raw.logBlockRange, "logBlockRange", 2_000n),
    dataDir,
    privateKey: privateKey as Hex | undefined,
    http: {
      host,
      port,
      publicUrl,
      bodyLimitBytes: int(http.bodyLimitBytes, "http.bodyLimitBytes", 4 * 1024 * 1024, 1_024),
    },
    audit: {
      challenge,
      bundleTimeoutMs: int(audit.bundleTimeoutMs, "audit.bundleTimeoutMs", 30_000, 100),
      maxBundleBytes: int(audit.maxBundleBytes, "audit.maxBundleBytes", 2 * 1024 ** 3, 1_024),
      allowFileUris: bool(audit.allowFileUris, "audit.allowFileUris", false),
      bundleDeadlineSeconds:
        audit.bundleDeadlineSeconds === undefined
          ? undefined
          : big(audit.bundleDeadlineSeconds, "audit.bundleDeadlineSeconds", 0n),
    },
    claims: {
      enabled: claimsEnabled,
      batchSize: int(claims.batchSize, "claims.batchSize", 25, 1, 200),
      batchWaitMs: int(claims.batchWaitMs, "claims.batchWaitMs", 2_000, 0),
      gasPerClaim: big(claims.gasPerClaim, "claims.gasPerClaim", 100_000n),
      minDeadlineSeconds: big(claims.minDeadlineSeconds, "claims.minDeadlineSeconds", 60n),
      tokenPerEth,
    },
    logLevel: str(env[ENV.logLevel] ?? raw.logLevel, "logLevel", "info"),
  };
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(config.logLevel))
    problems.push("logLevel must be one of fatal, error, warn, info, debug, trace, silent");
  if (problems.length > 0)
    throw new VerifierError(
      "CONFIG_INVALID",
      `Invalid verifier configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      { data: { problems } },
    );
  return config;
}
