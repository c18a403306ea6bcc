// Test helper: runs the verifier service in this process against a test chain, configured through its real config
// loader (a file plus environment), with its own SQLite file and data directory.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after } from "node:test";
import pg from "pg";
import { pino } from "pino";
import { loadVerifierConfig } from "../../../src/verifier/config/loadVerifierConfig.ts";
import { startVerifier } from "../../../src/verifier/startVerifier.ts";
import { testPostgresUrl } from "../../aggregator/helpers/withPostgresSchema.ts";
import type { VerifierChain } from "./verifierChain.ts";

const dirs: string[] = [];
process.once("exit", () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function makeDataDir(prefix = "meshpay-verifier-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Writes <dir>/verifier.json; `overrides` replace top-level sections, except `chain`, whose keys are merged. */
export function writeVerifierConfig(
  dir: string,
  chain: Pick<VerifierChain, "distributor" | "deployBlock" | "token">,
  overrides: Record<string, unknown> = {},
): string {
  const file = join(dir, "verifier.json");
  const config = {
    http: { host: "127.0.0.1", port: 0 },
    storage: { dir: "./data" },
    audit: { bundleDeadlineSeconds: 5, bundleTimeoutMs: 2_000 },
    claims: { batchWaitMs: 0, minDeadlineSeconds: 30, tokenPerEth: { [chain.token.address]: "3000000000" } },
    log: { level: process.env.VERIFIER_TEST_LOG ?? "silent" },
    ...overrides,
    chain: {
      rpcUrl: "http://127.0.0.1:1",
      distributor: chain.distributor.address,
      fromBlock: Number(chain.deployBlock),
      confirmations: 0,
      pollIntervalMs: 200,
      ...(overrides.chain as Record<string, unknown> | undefined),
    },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * The verifier with its loop off: the test drives it with `tick()`. With VERIFIER_TEST_ENGINE=postgres its store is
 * on the test PostgreSQL instead, in a fresh schema named after its data directory (dropped when it closes; a second
 * start on the same directory, a restart, finds the same schema).
 */
export async function startTestVerifier(
  chain: VerifierChain,
  overrides: Record<string, unknown> = {},
  dir = makeDataDir(),
) {
  const postgres = process.env.VERIFIER_TEST_ENGINE === "postgres";
  const schema = `t_${basename(dir)
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()}`;
  const storage = postgres
    ? { storage: { dir: "./data", url: testPostgresUrl, schema, ...(overrides.storage as object | undefined) } }
    : {};
  const file = writeVerifierConfig(dir, chain, { ...overrides, ...storage });
  const config = loadVerifierConfig({ file, env: { MESHPAY_VERIFIER_PRIVATE_KEY: chain.verifierKey } });
  const logger = pino({ level: config.logLevel });
  const verifier = await startVerifier({ config, transport: chain.transport, logger, loop: false });
  if (postgres) schemas.add(schema);
  return Object.assign(verifier, { dir, config });
}

const schemas = new Set<string>();
// The schemas of this test file's verifiers, dropped once its tests are done.
after(async () => {
  if (schemas.size === 0) return;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await admin.end();
  }
});
