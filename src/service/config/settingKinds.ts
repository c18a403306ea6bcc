import { INVALID, type SettingKind } from "./setting.ts";

/** Log levels both services accept (pino's, plus silent). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A number from JSON, or from a decimal string (environment variables are strings). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * The kinds of value the aggregator's and the verifier's settings take, shared so the same thing is read (and
 * explained when wrong) the same way in both. Numbers and booleans also accept their string form, for the environment.
 */
export const settingKinds = {
  string: {
    expected: "a non-empty string",
    parse: (v) => (typeof v === "string" && v.length > 0 ? v : INVALID),
  } satisfies SettingKind<string>,

  /** A file or folder; relative paths are resolved by readServiceConfig. */
  path: {
    expected: "a path (relative: to the config file's folder)",
    path: true,
    parse: (v) => (typeof v === "string" && v.length > 0 ? v : INVALID),
  } satisfies SettingKind<string>,

  int(min: number, max = Number.MAX_SAFE_INTEGER, unit = ""): SettingKind<number> {
    return {
      expected: `an integer in [${min}, ${max}]${unit ? ` (${unit})` : ""}`,
      parse: (v) => {
        const n = toNumber(v);
        return n !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : INVALID;
      },
    };
  },

  number(min: number, max = Number.MAX_SAFE_INTEGER, unit = ""): SettingKind<number> {
    return {
      expected: `a number in [${min}, ${max}]${unit ? ` (${unit})` : ""}`,
      parse: (v) => {
        const n = toNumber(v);
        return n !== undefined && Number.isFinite(n) && n >= min && n <= max ? n : INVALID;
      },
    };
  },

  /** A block number or a count of blocks or seconds: a non-negative integer, a decimal string for large values. */
  bigint(min = 0n): SettingKind<bigint> {
    return {
      expected: `an integer >= ${min} (a decimal string for large values)`,
      parse: (v) => {
        const ok =
          (typeof v === "number" && Number.isSafeInteger(v)) || (typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v));
        return ok && BigInt(v as number | string) >= min ? BigInt(v as number | string) : INVALID;
      },
    };
  },

  boolean: {
    expected: "true or false",
    parse: (v) => {
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "1") return true;
      if (v === "false" || v === "0") return false;
      return INVALID;
    },
  } satisfies SettingKind<boolean>,

  oneOf<const T extends string>(values: readonly T[]): SettingKind<T> {
    return {
      expected: `one of ${values.join(", ")}`,
      parse: (v) => (typeof v === "string" && values.includes(v as T) ? (v as T) : INVALID),
    };
  },

  /** An http(s) URL (public URLs); `ws: true` also accepts ws(s) (RPC URLs). */
  url(options: { ws?: boolean } = {}): SettingKind<string> {
    const protocols = options.ws ? ["http:", "https:", "ws:", "wss:"] : ["http:", "https:"];
    return {
      expected: options.ws ? "an http(s) or ws(s) URL" : "an http(s) URL",
      parse: (v) => {
        if (typeof v !== "string") return INVALID;
        try {
          return protocols.includes(new URL(v).protocol) ? v : INVALID;
        } catch {
          return INVALID;
        }
      },
    };
  },

  /** A postgres:// (or postgresql://) connection URL; never echoed in an error (it may hold a password). */
  postgresUrl: {
    expected: "a postgres:// URL",
    secret: true,
    parse: (v) => {
      if (typeof v !== "string") return INVALID;
      try {
        return ["postgres:", "postgresql:"].includes(new URL(v).protocol) ? v : INVALID;
      } catch {
        return INVALID;
      }
    },
  } satisfies SettingKind<string>,

  /** A PostgreSQL schema name: a plain lowercase identifier (it goes into search_path unquoted). */
  sqlIdentifier: {
    expected: "a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters)",
    parse: (v) => (typeof v === "string" && /^[a-z_][a-z0-9_]{0,62}$/.test(v) ? v : INVALID),
  } satisfies SettingKind<string>,

  /** An EVM address, returned lowercase. */
  address: {
    expected: "a 0x-prefixed 20-byte hex address",
    parse: (v) =>
      typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) ? (v.toLowerCase() as `0x${string}`) : INVALID,
  } satisfies SettingKind<`0x${string}`>,

  /** A private key, returned lowercase; never echoed in an error, even a wrong one. */
  privateKey: {
    expected: "a 0x-prefixed 32-byte hex private key",
    secret: true,
    parse: (v) =>
      typeof v === "string" && /^0x[0-9a-fA-F]{64}$/.test(v) ? (v.toLowerCase() as `0x${string}`) : INVALID,
  } satisfies SettingKind<`0x${string}`>,

  /** A list of 32-byte ids (pool ids), returned lowercase. */
  bytes32List: {
    expected: "a list of 0x-prefixed 32-byte hex ids",
    noEnv: true,
    parse: (v) =>
      Array.isArray(v) && v.every((x) => typeof x === "string" && /^0x[0-9a-fA-F]{64}$/.test(x))
        ? v.map((x: string) => x.toLowerCase() as `0x${string}`)
        : INVALID,
  } satisfies SettingKind<`0x${string}`[]>,

  /** An object of token address -> non-negative integer amount (a decimal string for large values), keys lowercase. */
  tokenAmounts: {
    expected: "an object of token address to integer amount (a decimal string)",
    noEnv: true,
    parse: (v) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return INVALID;
      const amounts = new Map<string, bigint>();
      for (const [token, amount] of Object.entries(v)) {
        const ok =
          (typeof amount === "number" && Number.isSafeInteger(amount) && amount >= 0) ||
          (typeof amount === "string" && /^(0|[1-9][0-9]*)$/.test(amount));
        if (!/^0x[0-9a-fA-F]{40}$/.test(token) || !ok) return INVALID;
        amounts.set(token.toLowerCase(), BigInt(amount));
      }
      return amounts;
    },
  } satisfies SettingKind<Map<string, bigint>>,

  logLevel: {
    expected: `one of ${LOG_LEVELS.join(", ")}`,
    parse: (v) =>
      typeof v === "string" && LOG_LEVELS.includes(v as never) ? (v as (typeof LOG_LEVELS)[number]) : INVALID,
  } satisfies SettingKind<(typeof LOG_LEVELS)[number]>,
};
