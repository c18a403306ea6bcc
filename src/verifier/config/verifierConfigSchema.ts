import { section } from "../../service/config/section.ts";
import { setting } from "../../service/config/setting.ts";
import { settingKinds as k } from "../../service/config/settingKinds.ts";
import { sharedSettings } from "../../service/config/sharedSettings.ts";

const shared = sharedSettings({ port: 8547, confirmations: 2, logBlockRange: 2000, webSocketRpc: true });

/** The verifier's configuration file (docs/operations.md, "Settings", lists every key; a test keeps it so). */
export const verifierConfigSchema = section({
  http: section(shared.http),
  storage: section({
    /** verifier.db (SQLite, unless `url` is set) and bundles/. */
    dir: setting(k.path, { fallback: ".data/verifier" }),
    /** postgres://…: the verifier's tables live in PostgreSQL instead of verifier.db. */
    url: setting(k.postgresUrl),
    /**
     * The PostgreSQL schema of the verifier's tables (its connections' search_path). Not the aggregator's: both keep
     * their migrations in a `schema_migrations` table (docs/operations.md, "PostgreSQL").
     */
    schema: setting(k.sqlIdentifier, { fallback: "verifier" }),
  }),
  chain: section(shared.chain),
  audit: section({
    challenge: setting(k.boolean, { fallback: true }),
    bundleTimeoutMs: setting(k.int(100, Number.MAX_SAFE_INTEGER, "ms"), { fallback: 30_000 }),
    maxBundleBytes: setting(k.int(1024, Number.MAX_SAFE_INTEGER, "bytes"), { fallback: 2 * 1024 ** 3 }),
    allowFileUris: setting(k.boolean, { fallback: false }),
    bundleDeadlineSeconds: setting(k.bigint()),
  }),
  claims: section({
    enabled: setting(k.boolean, { fallback: true }),
    batchSize: setting(k.int(1, 200), { fallback: 25 }),
    batchWaitMs: setting(k.int(0, Number.MAX_SAFE_INTEGER, "ms"), { fallback: 2_000 }),
    gasPerClaim: setting(k.bigint(), { fallback: 100_000n }),
    minDeadlineSeconds: setting(k.bigint(), { fallback: 60n }),
    tokenPerEth: setting(k.tokenAmounts, { fallback: new Map<string, bigint>() }),
  }),
  log: section(shared.log),
  privateKey: shared.privateKey,
});
