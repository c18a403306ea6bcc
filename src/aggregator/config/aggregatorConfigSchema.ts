import { section } from "../../service/config/section.ts";
import { setting } from "../../service/config/setting.ts";
import { settingKinds as k } from "../../service/config/settingKinds.ts";
import { sharedSettings } from "../../service/config/sharedSettings.ts";

const shared = sharedSettings({ port: 8080, confirmations: 0, logBlockRange: 5000, webSocketRpc: false });

/** The aggregator's configuration file (docs/operations.md, "Settings", lists every key; a test keeps it so). */
export const aggregatorConfigSchema = section({
  http: section({
    ...shared.http,
    workers: setting(k.int(1, 256), { fallback: 1 }),
  }),
  ingest: section({
    maxReceiptsPerBatch: setting(k.int(1, 5000), { fallback: 5000 }),
    maxTicketsPerBatch: setting(k.int(1, 1000), { fallback: 1000 }),
    maxFutureSkewMs: setting(k.int(0, 86_400_000, "ms"), { fallback: 300_000 }),
    idempotencyTtlSeconds: setting(k.int(60, 365 * 86_400, "s"), { fallback: 86_400 }),
    contentBindingPools: setting(k.bytes32List, { fallback: [] }),
  }),
  rateLimit: section({
    requestsPerSecond: setting(k.number(0.001), { fallback: 50 }),
    requestBurst: setting(k.int(1), { fallback: 100 }),
    receiptsPerSecond: setting(k.number(0.001), { fallback: 50_000 }),
    receiptBurst: setting(k.int(1), { fallback: 100_000 }),
  }),
  storage: section({
    path: setting(k.path, { fallback: "./.data/aggregator.db" }),
    bundleDir: setting(k.path, { fallback: "./.data/bundles" }),
    synchronous: setting(k.oneOf(["FULL", "NORMAL"] as const), { fallback: "FULL" }),
    url: setting(k.postgresUrl),
    schema: setting(k.sqlIdentifier, { fallback: "public" }),
    closeHeapMib: setting(k.int(256, 1_048_576, "MiB")),
  }),
  chain: section({
    ...shared.chain,
    requestTimeoutMs: setting(k.int(100, 600_000, "ms"), { fallback: 10_000 }),
  }),
  posting: section({
    enabled: setting(k.boolean, { fallback: true }),
    autoRegister: setting(k.boolean, { fallback: false }),
    resendAfterMs: setting(k.int(100, 3_600_000, "ms"), { fallback: 30_000 }),
    closeDelayMs: setting(k.int(0, 3_600_000, "ms"), { fallback: 0 }),
  }),
  log: section(shared.log),
  privateKey: shared.privateKey,
  testing: section({
    verifierBackend: setting(k.oneOf(["native", "noble"] as const), { fallback: "native" }),
  }),
});
