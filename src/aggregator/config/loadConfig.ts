import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AggregatorError } from "../errors/AggregatorError.ts";
import { readContentBindingPools } from "../ingest/readContentBindingPools.ts";
import type { AggregatorConfig } from "./AggregatorConfig.ts";

/** Environment variables and the config field each one sets (they win over the file). */
export const configEnvironment = {
  MESHPAY_HTTP_HOST: "http.host",
  MESHPAY_HTTP_PORT: "http.port",
  MESHPAY_PUBLIC_URL: "http.publicUrl",
  MESHPAY_DB_PATH: "storage.path",
  MESHPAY_BUNDLE_DIR: "storage.bundleDir",
  MESHPAY_RPC_URL: "chain.rpcUrl",
  MESHPAY_DISTRIBUTOR: "chain.distributor",
  MESHPAY_CHAIN_ID: "chain.chainId",
  MESHPAY_FROM_BLOCK: "chain.fromBlock",
  MESHPAY_POSTING_ENABLED: "posting.enabled",
  MESHPAY_AGGREGATOR_PRIVATE_KEY: "posting.privateKey",
  MESHPAY_LOG_LEVEL: "log.level",
} as const;

/** Said when a config asks for fault injection, which only the separate test entry point has. */
const NOT_IN_PRODUCTION =
  "fault injection is not part of the production aggregator (tests and the demo start " +
  "scripts/faults/faultyAggregatorMain.ts instead)";

type Json = Record<string, unknown>;

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Reads the JSON config file (optional) and the MESHPAY_* environment, validates every field and returns the
 * configuration. Throws AggregatorError CONFIG_INVALID naming the first wrong field (`details.field`).
 * Relative paths in the file are resolved against the file's folder; in the environment, against the cwd.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): AggregatorConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let raw: Json = {};
  let base = cwd;
  if (options.file !== undefined) {
    const path = resolve(cwd, options.file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (cause) {
      throw invalid("(file)", `cannot read the config file ${path}: ${(cause as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Json;
    } catch (cause) {
      throw invalid("(file)", `the config file ${path} is not valid JSON: ${(cause as Error).message}`);
    }
    if (!isObject(raw)) throw invalid("(file)", `the config file ${path} must hold a JSON object`);
    base = dirname(path);
  }
  const fromEnv = new Set<string>();
  for (const [name, field] of Object.entries(configEnvironment)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    setPath(raw, field, value);
    fromEnv.add(field);
  }
  if (env.MESHPAY_FAULT !== undefined && env.MESHPAY_FAULT !== "")
    throw invalid("fault", `MESHPAY_FAULT is set, but ${NOT_IN_PRODUCTION}`);
  if (isObject(raw) && "fault" in raw) throw invalid("fault", NOT_IN_PRODUCTION);
  const r = new Reader(raw, (field) => (fromEnv.has(field) ? cwd : base));
  r.checkKnown("", ["http", "ingest", "rateLimit", "storage", "chain", "posting", "log", "testing"]);
  r.checkKnown("http", ["host", "port", "publicUrl", "maxBodyBytes"]);
  r.checkKnown("ingest", [
    "maxReceiptsPerBatch",
    "maxTicketsPerBatch",
    "maxFutureSkewMs",
    "idempotencyTtlSeconds",
    "contentBindingPools",
  ]);
  r.checkKnown("rateLimit", ["requestsPerSecond", "requestBurst", "receiptsPerSecond", "receiptBurst"]);
  r.checkKnown("storage", ["path", "bundleDir", "synchronous"]);
  r.checkKnown("chain", [
    "rpcUrl",
    "distributor",
    "chainId",
    "pollIntervalMs",
    "confirmations",
    "fromBlock",
    "logChunkBlocks",
    "requestTimeoutMs",
  ]);
  r.checkKnown("posting", ["enabled", "privateKey", "autoRegister", "resendAfterMs", "closeDelayMs"]);
  r.checkKnown("log", ["level"]);
  r.checkKnown("testing", ["verifierBackend"], NOT_IN_PRODUCTION);

  const host = r.string("http.host", "127.0.0.1");
  const port = r.int("http.port", 8080, 0, 65535);
  const config: AggregatorConfig = {
    http: {
      host,
      port,
      publicUrl: r.url("http.publicUrl", `http://${host}:${port}`).replace(/\/+$/, ""),
      maxBodyBytes: r.int("http.maxBodyBytes", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    ingest: {
      maxReceiptsPerBatch: r.int("ingest.maxReceiptsPerBatch", 5000, 1, 5000),
      maxTicketsPerBatch: r.int("ingest.maxTicketsPerBatch", 1000, 1, 1000),
      maxFutureSkewMs: r.int("ingest.maxFutureSkewMs", 300_000, 0, 86_400_000),
      idempotencyTtlSeconds: r.int("ingest.idempotencyTtlSeconds", 86_400, 60, 365 * 86_400),
      contentBindingPools: readContentBindingPools(r.get("ingest.contentBindingPools")),
    },
    rateLimit: {
      requestsPerSecond: r.number("rateLimit.requestsPerSecond", 50, 0.001),
      requestBurst: r.int("rateLimit.requestBurst", 100, 1),
      receiptsPerSecond: r.number("rateLimit.receiptsPerSecond", 50_000, 0.001),
      receiptBurst: r.int("rateLimit.receiptBurst", 100_000, 1),
    },
    storage: {
      path: r.path("storage.path", "./.data/aggregator.db"),
      bundleDir: r.path("storage.bundleDir", "./.data/bundles"),
      synchronous: r.oneOf("storage.synchronous", ["FULL", "NORMAL"] as const, "FULL"),
    },
    chain: {
      rpcUrl: r.url("chain.rpcUrl", undefined),
      distributor: r.address("chain.distributor"),
      chainId: r.optionalInt("chain.chainId", 1, Number.MAX_SAFE_INTEGER),
      pollIntervalMs: r.int("chain.pollIntervalMs", 2000, 10, 600_000),
      confirmations: r.int("chain.confirmations", 0, 0, 1000),
      fromBlock: BigInt(r.int("chain.fromBlock", 0, 0)),
      logChunkBlocks: r.int("chain.logChunkBlocks", 5000, 1, 1_000_000),
      requestTimeoutMs: r.int("chain.requestTimeoutMs", 10_000, 100, 600_000),
    },
    posting: {
      enabled: r.boolean("posting.enabled", true),
      privateKey: r.optionalPrivateKey("posting.privateKey"),
      autoRegister: r.boolean("posting.autoRegister", false),
      resendAfterMs: r.int("posting.resendAfterMs", 30_000, 100, 3_600_000),
      closeDelayMs: r.int("posting.closeDelayMs", 0, 0, 3_600_000),
    },
    log: { level: r.oneOf("log.level", logLevels, "info") },
    testing: {
      verifierBackend: r.oneOf("testing.verifierBackend", ["native", "noble"] as const, "native"),
    },
  };
  if (config.posting.enabled && config.posting.privateKey === undefined)
    throw invalid(
      "posting.privateKey",
      "posting is enabled but no key is set: set MESHPAY_AGGREGATOR_PRIVATE_KEY (or posting.enabled = false for an " +
        "ingest-only node)",
    );
  return config;
}

function invalid(field: string, message: string): AggregatorError {
  return new AggregatorError("CONFIG_INVALID", `Invalid configuration: ${field}: ${message}.`, {
    status: 500,
    data: { field },
  });
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setPath(root: Json, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = root;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Json;
  }
  node[parts.at(-1)!] = value;
}

/** Typed field reads with defaults; every failure names the field. */
class Reader {
  readonly raw: Json;
  readonly baseOf: (field: string) => string;

  constructor(raw: Json, baseOf: (field: string) => string) {
    this.raw = raw;
    this.baseOf = baseOf;
  }

  get(path: string): unknown {
    let node: unknown = this.raw;
    for (const part of path.split(".")) {
      if (!isObject(node)) return undefined;
      node = node[part];
    }
    return node;
  }

  checkKnown(section: string, keys: readonly string[], hint?: string): void {
    const node = section === "" ? this.raw : this.get(section);
    if (node === undefined || node === null) return;
    if (!isObject(node)) throw invalid(section, "must be an object");
    for (const key of Object.keys(node))
      if (!keys.includes(key))
        throw invalid(
          section ? `${section}.${key}` : key,
          `unknown setting (known: ${keys.join(", ")})${hint ? `; ${hint}` : ""}`,
        );
  }

  string(path: string, fallback: string | undefined): string {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (fallback === undefined) throw invalid(path, "is required");
      return fallback;
    }
    if (typeof v !== "string" || v.length === 0) throw invalid(path, "must be a non-empty string");
    return v;
  }

  number(path: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(path);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max)
      throw invalid(path, `must be a number in [${min}, ${max}] (got ${JSON.stringify(v)})`);
    return n;
  }

  int(path: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.number(path, fallback, min, max);
    if (!Number.isInteger(n)) throw invalid(path, `must be an integer (got ${JSON.stringify(this.get(path))})`);
    return n;
  }

  optionalInt(path: string, min: number, max: number): number | undefined {
    return this.get(path) === undefined || this.get(path) === null ? undefined : this.int(path, 0, min, max);
  }

  boolean(path: string, fallback: boolean): boolean {
    const v = this.get(path);
    if (v === undefined || v === null) return fallback;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    throw invalid(path, `must be true or false (got ${JSON.stringify(v)})`);
  }

  oneOf<const T extends string>(path: string, values: readonly T[], fallback: T): T {
    return this.optionalOneOf(path, values) ?? fallback;
  }

  optionalOneOf<const T extends string>(path: string, values: readonly T[]): T | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || !values.includes(v as T))
      throw invalid(path, `must be one of ${values.join(", ")} (got ${JSON.stringify(v)})`);
    return v as T;
  }

  url(path: string, fallback: string | undefined): string {
    const v = this.string(path, fallback);
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw invalid(path, `must be an http(s) URL (got ${JSON.stringify(v)})`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw invalid(path, `must be an http(s) URL (got ${JSON.stringify(v)})`);
    return v;
  }

  path(path: string, fallback: string): string {
    return resolve(this.baseOf(path), this.string(path, fallback));
  }

  address(path: string): `0x${string}` {
    const v = this.string(path, undefined);
    if (!/^0x[0-9a-fA-F]{40}$/.test(v))
      throw invalid(path, `must be a 0x-prefixed 20-byte hex address (got ${JSON.stringify(v)})`);
    return v.toLowerCase() as `0x${string}`;
  }

  optionalPrivateKey(path: string): `0x${string}` | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    // Never echo a key back, even a wrong one.
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v))
      throw invalid(path, "must be a 0x-prefixed 32-byte hex private key");
    return v.toLowerCase() as `0x${string}`;
  }
}
