import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { createPublicClient, http, type Transport, webSocket } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createFastKeccak256 } from "../protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../protocol/node/createNodeReceiptVerifier.ts";
import { createAuditor } from "./audit/createAuditor.ts";
import { createBundleCache } from "./bundle/createBundleCache.ts";
import { createChainFacts } from "./chain/createChainFacts.ts";
import type { VerifierPublicClient } from "./chain/types.ts";
import { createClaimRelayer } from "./claims/createClaimRelayer.ts";
import type { VerifierConfig } from "./config/loadVerifierConfig.ts";
import { createDisputeDesk } from "./disputes/createDisputeDesk.ts";
import { VerifierError } from "./errors/VerifierError.ts";
import { createChainFollower } from "./follower/createChainFollower.ts";
import { createVerifierApp } from "./http/createVerifierApp.ts";
import { createVerifierMetrics } from "./metrics/createVerifierMetrics.ts";
import { openPostgresVerifierStore } from "./storage/openPostgresVerifierStore.ts";
import { openVerifierStore } from "./storage/openVerifierStore.ts";
import { createTxSender } from "./tx/createTxSender.ts";

export type RunningVerifier = Awaited<ReturnType<typeof startVerifier>>;

/**
 * Starts the verifier: checks the chain and the distributor, opens the store, settles transactions left from a
 * previous run, serves the HTTP API and runs the loop (follow the chain, settle transactions, audit and challenge,
 * evaluate disputes, send claim batches) every `pollIntervalMs`. `transport` replaces the RPC URL (tests pass an
 * in-process chain); `loop: false` leaves the loop to the caller's `tick()`.
 */
export async function startVerifier(args: {
  config: VerifierConfig;
  transport?: Transport;
  logger?: Logger;
  loop?: boolean;
}) {
  const { config } = args;
  const logger = args.logger ?? pino({ level: config.logLevel });
  const transport =
    args.transport ??
    (config.rpcUrl.startsWith("ws")
      ? webSocket(config.rpcUrl)
      : http(config.rpcUrl, { retryCount: 2, timeout: 15_000 }));
  const client = createPublicClient({ transport, cacheTime: 0, pollingInterval: 250 }) as VerifierPublicClient;

  const chainId = await client.getChainId();
  if (config.chainId !== undefined && chainId !== config.chainId)
    throw new VerifierError(
      "CONFIG_INVALID",
      `The RPC serves chain ${chainId}, not the configured chainId ${config.chainId}.`,
    );
  const code = await client.getCode({ address: config.distributor });
  if (!code || code === "0x")
    throw new VerifierError("CONFIG_INVALID", `No contract at distributor ${config.distributor} on chain ${chainId}.`);

  const metrics = createVerifierMetrics();
  // With port 0 the real port is known once listening; the default public URL follows it.
  let publicUrl = config.http.publicUrl;
  /** Set by close() (or when the PostgreSQL schema was taken by another verifier): no further round is scheduled. */
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const store = config.postgres
    ? await openPostgresVerifierStore({
        ...config.postgres,
        // Another verifier took the schema during an outage: stop the loop rather than send what it sends too.
        onLockLost: (err) => {
          logger.fatal({ err }, "another verifier took this verifier's PostgreSQL schema: stopping the loop");
          stopped = true;
          if (timer) clearTimeout(timer);
        },
      })
    : openVerifierStore(join(config.dataDir, "verifier.db"));
  const keccak = await createFastKeccak256();
  const facts = await createChainFacts({
    client,
    distributor: config.distributor,
    fromBlock: config.startBlock,
    logRange: config.logBlockRange,
  });
  const verifier = await createNodeReceiptVerifier({ domain: { chainId, verifyingContract: config.distributor } });
  const bundles = createBundleCache({ dir: join(config.dataDir, "bundles"), keccak });
  const account = config.privateKey ? privateKeyToAccount(config.privateKey) : undefined;
  const txSender = account
    ? createTxSender({ client, account, chainId, store, logger: logger.child({ part: "tx" }) })
    : undefined;
  const follower = createChainFollower({
    client,
    store,
    distributor: config.distributor,
    startBlock: config.startBlock,
    confirmations: config.confirmations,
    logRange: config.logBlockRange,
    logger: logger.child({ part: "follower" }),
  });
  const auditor = createAuditor({
    store,
    client,
    facts,
    verifier,
    keccak,
    bundles,
    ...(config.audit.challenge && txSender ? { txSender } : {}),
    publicUrl: () => publicUrl,
    bundleDeadlineSeconds: config.audit.bundleDeadlineSeconds ?? facts.config.challengeWindow / 2n,
    fetch: {
      timeoutMs: config.audit.bundleTimeoutMs,
      maxBytes: config.audit.maxBundleBytes,
      allowFile: config.audit.allowFileUris,
    },
    metrics,
    logger: logger.child({ part: "audit" }),
  });
  const disputes = createDisputeDesk({
    store,
    client,
    facts,
    verifier,
    keccak,
    bundles,
    auditor,
    metrics,
    logger: logger.child({ part: "disputes" }),
  });
  const claims =
    config.claims.enabled && txSender
      ? createClaimRelayer({
          store,
          client,
          facts,
          bundles,
          txSender,
          tokenPerEth: config.claims.tokenPerEth,
          gasPerClaim: config.claims.gasPerClaim,
          batchSize: config.claims.batchSize,
          batchWaitMs: config.claims.batchWaitMs,
          minDeadlineSeconds: config.claims.minDeadlineSeconds,
          metrics,
          logger: logger.child({ part: "claims" }),
        })
      : undefined;

  let lastRoundOk = 0;
  /** The follower's cursor and the unsettled transactions as of the last round: /readyz answers without the database. */
  let lastCursor = (await follower.cursor()).number;
  let pendingTransactions = (await txSender?.pendingCount()) ?? 0;
  let lastError: string | null = null;
  let running: Promise<void> | undefined;

  /** One round of every loop, serialised (a round never overlaps another). */
  async function tick(): Promise<void> {
    while (running) await running;
    running = (async () => {
      const step = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
          return true;
        } catch (err) {
          lastError = `${name}: ${(err as Error).message ?? err}`.slice(0, 300);
          metrics.loopErrors.inc({ loop: name });
          logger.warn({ err, loop: name }, "loop step failed (will retry)");
          return false;
        }
      };
      let ok = await step("follow", async () => {
        const rounds = await follower.poll();
        for (const r of rounds) if (r.reorgedTo !== undefined) metrics.reorgs.inc();
        lastCursor = (await follower.cursor()).number;
        metrics.lastProcessedBlock.set(Number(lastCursor));
        metrics.chainHead.set(Number(follower.head()));
      });
      if (txSender) ok = (await step("transactions", () => txSender.reconcile())) && ok;
      ok = (await step("audit", () => auditor.tick())) && ok;
      if (txSender) ok = (await step("transactions", () => txSender.reconcile())) && ok;
      ok = (await step("disputes", () => disputes.tick())) && ok;
      if (claims) ok = (await step("claims", () => claims.tick())) && ok;
      if (txSender)
        ok =
          (await step("transactions", async () => {
            pendingTransactions = await txSender.pendingCount();
          })) && ok;
      if (ok) {
        lastRoundOk = Date.now();
        lastError = null;
      }
    })();
    try {
      await running;
    } finally {
      running = undefined;
    }
  }

  const app = createVerifierApp({
    store,
    auditor,
    disputes,
    claims,
    metrics,
    bodyLimitBytes: config.http.bodyLimitBytes,
    logger: logger.child({ part: "http" }),
    health: async () => {
      const cursor = lastCursor;
      const head = follower.head();
      const fresh = Date.now() - lastRoundOk < Math.max(30_000, 10 * config.pollIntervalMs);
      return {
        ok: fresh,
        chainId,
        distributor: config.distributor,
        account: txSender?.account ?? null,
        lastProcessedBlock: cursor.toString(),
        chainHead: head.toString(),
        lagBlocks: head >= 0n ? (head - cursor).toString() : null,
        pendingTransactions,
        lastRoundAt: lastRoundOk ? new Date(lastRoundOk).toISOString() : null,
        lastError,
      };
    },
  });
  const server = app.listen(config.http.port, config.http.host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  publicUrl = publicUrl.replace(/:0(\/?)$/, `:${port}$1`);
  logger.info(
    {
      port,
      chainId,
      distributor: config.distributor,
      account: txSender?.account,
      startBlock: config.startBlock.toString(),
    },
    "verifier started",
  );

  if (txSender)
    await txSender
      .reconcile()
      .catch((err: unknown) => logger.warn({ err }, "start-up reconciliation failed (will retry)"));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick();
      schedule();
    }, config.pollIntervalMs);
  };
  if (args.loop !== false) {
    await tick();
    schedule();
  }

  return {
    port,
    url: `http://${config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host}:${port}`,
    account: txSender?.account,
    store,
    auditor,
    disputes,
    claims,
    follower,
    tick,
    /** Stops the loop, waits for the round in flight, closes the server and the database. */
    async close(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running) await running;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      logger.info("verifier stopped");
    },
  };
}
