import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { envNameOf } from "./envNameOf.ts";
import { listSettings } from "./listSettings.ts";

type Json = Record<string, unknown>;

/** One wrong setting: where (`path`; `env` when the value came from that environment variable), what is wrong, and
 * the two as one line (`text`, e.g. `chain.rpcUrl (MESHPAY_RPC_URL): expected an http(s) URL, got "ftp://x"`). */
export type ConfigProblem = { path: string; env?: string; message: string; text: string };

export type ServiceConfigSources = {
  /** Names the environment variables (envNameOf). */
  service: "aggregator" | "verifier";
  /** The JSON config file (optional: everything may come from the environment). */
  file?: string;
  env: NodeJS.ProcessEnv;
  /** What relative paths from the environment (and the file's path) are resolved against. */
  cwd: string;
  /** Deprecated file keys (dotted) -> the current key; still read, with a warning. */
  renamedKeys?: Record<string, string>;
  /** Deprecated environment variables -> the current one; still read, with a warning. */
  renamedEnvironment?: Record<string, string>;
  /** Said after "unknown setting" for an unknown key at this dotted path, if anything. */
  unknownKeyHint?: (path: string) => string | undefined;
  /** Where deprecation warnings go. */
  warn: (message: string) => void;
};

/**
 * Reads a service's configuration the same way for the aggregator and the verifier: the JSON file, deprecated names
 * mapped to current ones (with a warning each), relative paths resolved, the environment on top (every setting has a
 * variable, named by envNameOf), then `schema` (zod) over the whole. Returns the parsed config or every problem at
 * once (unknown keys, wrong values, missing ones, a deprecated name set beside its new one) plus `extra` problems
 * the caller finds across settings in the merged raw values; the caller turns problems into its CONFIG_INVALID error.
 */
export function readServiceConfig<S extends z.ZodType>(
  schema: S,
  sources: ServiceConfigSources,
  extra: (raw: Json) => { path: string; message: string }[] = () => [],
): { config: z.output<S>; problems: [] } | { config: undefined; problems: ConfigProblem[] } {
  const { env, cwd } = sources;
  const problem = (path: string, message: string, envName?: string): ConfigProblem => ({
    path,
    ...(envName ? { env: envName } : {}),
    message,
    text: `${path}${envName ? ` (${envName})` : ""}: ${message}`,
  });
  let raw: Json = {};
  let base = cwd;
  if (sources.file !== undefined) {
    const path = resolve(cwd, sources.file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (cause) {
      return { config: undefined, problems: [problem("(file)", `cannot read ${path}: ${(cause as Error).message}`)] };
    }
    try {
      raw = JSON.parse(text) as Json;
    } catch (cause) {
      return { config: undefined, problems: [problem("(file)", `${path} is not JSON: ${(cause as Error).message}`)] };
    }
    if (!isObject(raw)) return { config: undefined, problems: [problem("(file)", `${path} does not hold an object`)] };
    base = dirname(path);
  }
  const problems: ConfigProblem[] = [];
  for (const [old, current] of Object.entries(sources.renamedKeys ?? {})) {
    const value = getPath(raw, old);
    if (value === undefined) continue;
    deletePath(raw, old);
    if (getPath(raw, current) !== undefined) {
      problems.push(problem(old, `set beside ${current}, its new name: keep only ${current}`));
      continue;
    }
    sources.warn(`config key ${old} is deprecated; use ${current}`);
    setPath(raw, current, value);
  }
  const { settings, sections } = listSettings(schema);
  for (const path of sections) {
    const value = getPath(raw, path);
    if ((value === undefined || value === null) && isObject(getPath(raw, parentOf(path)))) setPath(raw, path, {});
  }
  const envOf = new Map<string, string>();
  const oldNames = Object.entries(sources.renamedEnvironment ?? {});
  for (const { path, meta } of settings) {
    if (meta.kind.path) {
      const value = getPath(raw, path) ?? meta.fallback;
      if (typeof value === "string" && value !== "" && isObject(getPath(raw, parentOf(path))))
        setPath(raw, path, resolve(base, value));
    }
    if (meta.kind.noEnv) continue;
    const name = envNameOf(sources.service, path);
    let from = name;
    let value = env[name];
    for (const [old, current] of oldNames) {
      if (current !== name || env[old] === undefined || env[old] === "") continue;
      if (value !== undefined && value !== "" && value !== env[old]) {
        problems.push(problem(path, `${old} is set beside ${name}, its new name, to another value: keep only ${name}`));
        continue;
      }
      sources.warn(`environment variable ${old} is deprecated; use ${name}`);
      value = env[old];
      from = old;
    }
    if (value === undefined || value === "" || !isObject(getPath(raw, parentOf(path)))) continue;
    setPath(raw, path, meta.kind.path ? resolve(cwd, value) : value);
    envOf.set(path, from);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const at = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        const prefix = at === "" ? "" : `${at}.`;
        const known = [...settings.map((s) => s.path), ...sections]
          .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("."))
          .map((p) => p.slice(prefix.length));
        for (const key of issue.keys) {
          const hint = sources.unknownKeyHint?.(prefix + key);
          problems.push(
            problem(prefix + key, `unknown setting (known: ${known.join(", ")})${hint ? `; ${hint}` : ""}`),
          );
        }
      } else if (issue.code === "invalid_type" && issue.expected === "object")
        problems.push(
          problem(at || "(file)", `expected an object of settings, got ${JSON.stringify(getPath(raw, at))}`),
        );
      else problems.push(problem(at, issue.message, envOf.get(at)));
    }
  for (const p of extra(raw)) problems.push(problem(p.path, p.message, envOf.get(p.path)));
  if (parsed.success && problems.length === 0) return { config: parsed.data, problems: [] };
  return { config: undefined, problems };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parentOf(path: string): string {
  return path.split(".").slice(0, -1).join(".");
}

function getPath(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path === "" ? [] : path.split(".")) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
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

function deletePath(root: Json, path: string): void {
  const parent = getPath(root, parentOf(path));
  if (isObject(parent)) delete parent[path.split(".").at(-1)!];
}
