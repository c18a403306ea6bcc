import { setting } from "./setting.ts";
import { settingKinds as k } from "./settingKinds.ts";

/**
 * The settings both services have, defined once so they are named, parsed and explained the same way; only the
 * defaults that differ are the caller's. Each service puts `http`, `chain` and `log` in sections of those names and
 * `privateKey` (its account's key) at the top.
 */
export function sharedSettings(defaults: {
  port: number;
  confirmations: number;
  logBlockRange: number;
  /** The verifier also takes ws(s) RPC URLs. */
  webSocketRpc: boolean;
}) {
  return {
    http: {
      host: setting(k.string, { fallback: "127.0.0.1" }),
      port: setting(k.int(0, 65_535), { fallback: defaults.port }),
      /** Default http://<host>:<port> (127.0.0.1 for 0.0.0.0): publicUrlOf. */
      publicUrl: setting(k.url()),
      maxBodyBytes: setting(k.int(1024, 64 * 1024 * 1024, "bytes"), { fallback: 4 * 1024 * 1024 }),
    },
    chain: {
      rpcUrl: setting(k.url({ ws: defaults.webSocketRpc }), { required: true }),
      distributor: setting(k.address, { required: true }),
      chainId: setting(k.int(1)),
      fromBlock: setting(k.bigint(), { fallback: 0n }),
      confirmations: setting(k.int(0, 1000, "blocks"), { fallback: defaults.confirmations }),
      pollIntervalMs: setting(k.int(10, 600_000, "ms"), { fallback: 2000 }),
      logBlockRange: setting(k.int(1, 1_000_000, "blocks"), { fallback: defaults.logBlockRange }),
    },
    log: { level: setting(k.logLevel, { fallback: "info" }) },
    privateKey: setting(k.privateKey),
  };
}
