import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../contracts/abis.ts";
import { MAX_POOL_TOTALS } from "../protocol/constants.ts";
import { createReceiptVerifier, type ReceiptVerifier } from "../protocol/createReceiptVerifier.ts";
import { createFastKeccak256 } from "../protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../protocol/node/createNodeReceiptVerifier.ts";
import type { Address } from "../protocol/types.ts";
import { createChainClient } from "./chain/createChainClient.ts";
import { createChainFollower } from "./chain/createChainFollower.ts";
import { createPoolRegistry } from "./chain/createPoolRegistry.ts";
import type { AggregatorConfig } from "./config/AggregatorConfig.ts";
import { createLeafIndex } from "./epoch/createLeafIndex.ts";
import { runPrepareEpochInWorker } from "./epoch/runPrepareEpochInWorker.ts";
import { AggregatorError } from "./errors/AggregatorError.ts";
import { createApp } from "./http/createApp.ts";
import { createIngestor, type Ingestor } from "./ingest/createIngestor.ts";
import { createManifestIndex } from "./ingest/createManifestIndex.ts";
import { createMetrics } from "./metrics/createMetrics.ts";
import { acquireLeadership, type Leadership } from "./posting/acquireLeadership.ts";
import { createPoster, type PosterOptions } from "./posting/createPoster.ts";
import type { ChainStore } from "./storage/ChainStore.ts";
import { openAggregatorStorage } from "./storage/openAggregatorStorage.ts";

/**
 * The closer's role (on PostgreSQL): the one process of a deployment that follows the chain into the database,
 * closes epochs and posts. The schema is appended, so deployments in other schemas of one database do not contend.
 */
const CLOSER_ROLE = "meshpay.aggregator.closer";

export type RunningAggregator = {
  /** The base URL the HTTP server listens on. */
  url: string;
  port: number;
  logger: Logger;
  /** Stops taking requests, finishes the current chain round, closes the database. */
  close(): Promise<void>;
};

/**
 * Seams for tests and the demo (scripts/faults/faultyAggregatorMain.ts fills them); the production entry point
 * (main.ts) never does. See PosterOptions.tamperFor and PosterOptions.onStep.
 */
export type AggregatorSeams = Pick<PosterOptions, "tamperFor" | "onStep">;

type Identity = {
  chainId: number;
  genesisTime: number;
  epochSeconds: number;
  graceSeconds: number;
  /** maxPoolTotals() of the distributor; absent in databases written before it existed (then MAX_POOL_TOTALS). */
  maxPoolTotals?: number;
};

/**
 * Starts the aggregator: storage (migrated), the HTTP API, the chain loop (follower + poster). The HTTP server is
 * up at once; POST /v1/receipts answers 503 until the deployment's parameters are known and the pools have been
 * read (from the chain, or from the database of a previous run while the RPC is unreachable).
 *
 * Storage is the SQLite file (`storage.path`), or PostgreSQL when `storage.url` is set (openAggregatorStorage). On
 * PostgreSQL several processes may share the database: every one serves ingest and reads, and only the one holding
 * the closer role (acquireLeadership, contended in the background) follows the chain into the database, closes
 * epochs and posts; the others re-read the pools from the database every poll interval.
 */
export async function startAggregator(
  config: AggregatorConfig,
  options: { logger?: Logger; onFatal?: (err: unknown) => void; seams?: AggregatorSeams } = {},
): Promise<RunningAggregator> {
  const logger = options.logger ?? pino({ level: config.log.level, base: { service: "meshpay-aggregator" } });
  const storage = openAggregatorStorage(config.storage);
  const { chain: chainStore, epochs } = storage;
  const metrics = createMetrics();
  const pools = createPoolRegistry();
  const manifests =
    config.ingest.contentBindingPools.length > 0
      ? createManifestIndex({ pools, requiredPools: config.ingest.contentBindingPools })
      : undefined;
  const client = createChainClient({ rpcUrl: config.chain.rpcUrl, timeoutMs: config.chain.requestTimeoutMs });
  const leafIndex = createLeafIndex();

  let identity: Identity | undefined;
  /** The follower's cursor as last read from the database (undefined before the first sync). */
  let syncedBlock: bigint | undefined;
  /** Whether the database has been prepared and its pools, identity and cursor read (see openStorage). */
  let storageOpen = false;
  /** Prepares the database (PostgreSQL: migrates it) and reads what the process starts from. */
  const openStorage = async () => {
    await storage.prepare();
    for (const p of await chainStore.loadPools()) pools.set(p);
    identity = await readIdentity(chainStore, config, storage.label);
    syncedBlock = await chainStore.getCursor();
    storageOpen = true;
  };
  // A database that contradicts the configuration fails the start; PostgreSQL unreachable does not (HTTP answers 503
  // until it is reachable, and the chain loop keeps trying).
  try {
    await openStorage();
  } catch (err) {
    if ((err as { code?: unknown }).code !== "STORAGE_UNAVAILABLE") {
      await storage.close();
      throw err;
    }
    logger.warn({ err: (err as Error).message }, "storage unreachable at start; retrying");
  }
  let ingestor: Ingestor | undefined;
  let firstSyncDone = false;
  let lastSyncAt: number | null = null;
  let lastChainError: string | null = null;
  let headInfo: { block: number; timestamp: number } | null = null;
  let stopping = false;
  let poster: ReturnType<typeof createPoster> | undefined;
  /** On PostgreSQL, the closer role while this process holds it (on SQLite the one process always acts as closer). */
  let closer: Leadership | undefined;
  const closing = () => storage.engine === "sqlite" || closer !== undefined;

  const ready = () => {
    if (!storageOpen) return { ready: false, reason: "waiting for the database" };
    if (!identity || !ingestor) return { ready: false, reason: "reading the deployment's parameters from the chain" };
    if (!firstSyncDone && syncedBlock === undefined) return { ready: false, reason: "reading pools from the chain" };
    return { ready: true };
  };

  const health = async () => {
    const r = ready();
    const reasons: string[] = [];
    if (!r.ready) reasons.push(r.reason!);
    const lag = headInfo ? Math.max(0, Date.now() / 1000 - headInfo.timestamp) : null;
    if (lastChainError) reasons.push(`chain RPC: ${lastChainError}`);
    const posting = poster?.status();
    if (posting?.halted) reasons.push(`posting halted: ${posting.halted}`);
    if (posting?.lastError) reasons.push(`posting: ${posting.lastError}`);
    let storageOk = true;
    try {
      await storage.ping();
    } catch {
      storageOk = false;
      reasons.push("storage unreadable");
    }
    const status = !r.ready || !storageOk ? "starting" : reasons.length > 0 ? "degraded" : "ok";
    return {
      status: status === "starting" ? 503 : 200,
      body: {
        status,
        reasons,
        chain: {
          chainId: identity?.chainId ?? null,
          distributor: config.chain.distributor,
          headBlock: headInfo?.block ?? null,
          headLagSeconds: lag,
          syncedBlock: syncedBlock?.toString() ?? null,
          lastSyncAt,
          lastError: lastChainError,
        },
        epochs: identity
          ? {
              genesisTime: identity.genesisTime,
              epochSeconds: identity.epochSeconds,
              graceSeconds: identity.graceSeconds,
            }
          : null,
        posting: posting ?? { enabled: config.posting.enabled },
        storage: {
          ok: storageOk,
          engine: storage.engine,
          ...(storage.engine === "postgres" ? { closer: closer !== undefined } : {}),
        },
      },
    };
  };

  const app = createApp({
    ...(manifests ? { manifests } : {}),
    ingestor: {
      ingest: (input) => {
        if (!ingestor)
          throw new AggregatorError(
            "SERVICE_UNAVAILABLE",
            "Not accepting receipts yet: starting. Retry with backoff.",
            { status: 503 },
          );
        return ingestor.ingest(input);
      },
      prune: async () => (ingestor ? ingestor.prune() : 0),
      closeThrough: async (epoch) => ingestor?.closeThrough(epoch),
    },
    pools,
    epochs,
    leafIndex,
    chain: { client, distributor: config.chain.distributor },
    epochParams: {
      get genesisTime() {
        return identity?.genesisTime ?? 0;
      },
      get epochSeconds() {
        return identity?.epochSeconds ?? 1;
      },
      get graceSeconds() {
        return identity?.graceSeconds ?? 0;
      },
    },
    maxBodyBytes: config.http.maxBodyBytes,
    metrics,
    logger,
    readiness: ready,
    health,
  });

  const server = createServer({ keepAliveTimeout: 65_000 }, app);
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // Requests Node itself cannot parse still get a JSON error, never an HTML page.
    if (!socket.writable || (err.code === "ECONNRESET" && !socket.readable)) return socket.destroy();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const body = JSON.stringify({
      code: tooLarge ? "REQUEST_TOO_LARGE" : "REQUEST_INVALID",
      message: tooLarge ? "The request headers are too large." : "The HTTP request could not be parsed.",
    });
    socket.end(
      `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\nContent-Type: ` +
        `application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.http.host}:${port}`;
  logger.info({ url, db: storage.label }, "listening");

  const setup = async () => {
    if (!identity) {
      identity = await fetchIdentity(client, config);
      await chainStore.setValue("identity", JSON.stringify(identity));
      logger.info({ ...identity }, "deployment parameters read from the chain");
    }
    const domain = { chainId: identity.chainId, verifyingContract: config.chain.distributor };
    const verifier: ReceiptVerifier =
      config.testing.verifierBackend === "noble"
        ? createReceiptVerifier({ domain, keccak: await createFastKeccak256() })
        : await createNodeReceiptVerifier({ domain });
    ingestor = createIngestor({
      ...(manifests ? { contentBinding: manifests } : {}),
      store: storage.ingest,
      pools,
      verifier,
      epochParams: {
        genesisTime: BigInt(identity.genesisTime),
        epochSeconds: BigInt(identity.epochSeconds),
        graceSeconds: BigInt(identity.graceSeconds),
      },
      limits: {
        maxReceipts: config.ingest.maxReceiptsPerBatch,
        maxTickets: config.ingest.maxTicketsPerBatch,
        maxFutureSkewMs: config.ingest.maxFutureSkewMs,
        idempotencyTtlSeconds: config.ingest.idempotencyTtlSeconds,
      },
      rateLimit: config.rateLimit,
      metrics,
      closedThrough: (await epochs.latestClosed()) ?? -1,
      maxPoolsPerEpoch: identity.maxPoolTotals ?? MAX_POOL_TOTALS,
    });
    const account = config.posting.privateKey ? privateKeyToAccount(config.posting.privateKey) : undefined;
    poster = createPoster({
      enabled: config.posting.enabled,
      client,
      wallet: account
        ? createWalletClient({
            account,
            transport: http(config.chain.rpcUrl, { timeout: config.chain.requestTimeoutMs, retryCount: 0 }),
          })
        : undefined,
      account,
      chainId: identity.chainId,
      distributor: config.chain.distributor,
      fromBlock: config.chain.fromBlock,
      epochs,
      pools,
      epochParams: identity,
      source: storage.source,
      bundleDir: config.storage.bundleDir,
      publicUrl: config.http.publicUrl,
      autoRegister: config.posting.autoRegister,
      resendAfterMs: config.posting.resendAfterMs,
      closeDelayMs: config.posting.closeDelayMs,
      ...options.seams,
      runPrepare: (input) =>
        runPrepareEpochInWorker(
          input,
          config.storage.closeHeapMib === undefined ? {} : { heapLimitMiB: config.storage.closeHeapMib },
        ),
      onClose: async (epoch) => ingestor?.closeThrough(epoch),
      metrics,
      logger: logger.child({ component: "poster" }),
    });
  };

  const follower = createChainFollower({
    client,
    distributor: config.chain.distributor as Address,
    store: chainStore,
    pools,
    confirmations: config.chain.confirmations,
    fromBlock: config.chain.fromBlock,
    chunkBlocks: config.chain.logBlockRange,
    metrics,
    logger: logger.child({ component: "follower" }),
  });

  let lastPrune = 0;
  const round = async () => {
    try {
      if (!storageOpen) {
        await openStorage();
        logger.info({ db: storage.label }, "storage reachable: its pools and identity read");
      }
      if (!ingestor) await setup();
      if (!closing()) {
        // Another process is the closer: it follows the chain into the shared database; this one reads the pools.
        for (const p of await chainStore.loadPools()) pools.set(p);
        syncedBlock = await chainStore.getCursor();
        // Epochs the closer closes are refused here through the ingest store's barrier (the closed epoch is shared in
        // the database), not by this loop.
        if (lastChainError) logger.info("reading the shared database again");
        lastChainError = null;
      } else {
        const { head, events, caughtUp } = await follower.sync();
        syncedBlock = await chainStore.getCursor();
        headInfo = { block: Number(head.number), timestamp: head.timestamp };
        lastSyncAt = Date.now();
        if (lastChainError) logger.info("chain RPC reachable again");
        lastChainError = null;
        if (caughtUp) firstSyncDone = true;
        await poster!.noteEvents(events);
        if (caughtUp && !stopping && closing()) await poster!.tick(head);
      }
    } catch (err) {
      const message =
        err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : String(err);
      if (err instanceof AggregatorError && err.code === "CONFIG_INVALID") throw err;
      if (lastChainError !== message) logger.warn({ err: message }, "chain round failed; retrying");
      lastChainError = message;
      metrics.rpcErrors.inc();
    }
    if (Date.now() - lastPrune > 3_600_000 && ingestor) {
      lastPrune = Date.now();
      const n = await ingestor.prune().catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, "pruning idempotent responses failed");
        return 0;
      });
      if (n > 0) logger.info({ removed: n }, "expired idempotent responses removed");
    }
  };

  // A configuration the chain contradicts (another chain, no contract) fails the start; an unreachable RPC does not.
  try {
    if (storageOpen) await setup();
  } catch (err) {
    if (err instanceof AggregatorError && err.code === "CONFIG_INVALID") {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
      throw err;
    }
    lastChainError = err instanceof Error ? err.message : String(err);
    logger.warn({ err: lastChainError }, "chain RPC unreachable at start; retrying");
  }

  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopping) {
      try {
        await round();
      } catch (err) {
        logger.fatal({ err: (err as Error).message }, "aggregator stopped");
        stopping = true;
        options.onFatal?.(err);
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.chain.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  // On PostgreSQL, contend for the closer role in the background (HTTP and ingest never wait for it): when the
  // database frees it (the closer died, or its session broke) this process takes over at its next round.
  const stopContending = new AbortController();
  const stopped = new Promise<void>((resolve) => stopContending.signal.addEventListener("abort", () => resolve()));
  const contention = (async () => {
    if (storage.engine !== "postgres") return;
    const role = `${CLOSER_ROLE}:${config.storage.schema}`;
    while (!stopping) {
      let held: Leadership;
      try {
        held = await acquireLeadership({ url: config.storage.url!, role, signal: stopContending.signal });
      } catch (err) {
        if ((err as { code?: string }).code === "ABORTED") return;
        logger.warn({ err: (err as Error).message }, "contending for the closer role failed; retrying");
        continue;
      }
      closer = held;
      logger.info({ role }, "this process is the closer: it follows the chain and posts");
      wake?.();
      const lost = await Promise.race([held.lost, stopped.then(() => undefined)]);
      closer = undefined;
      if (lost === undefined) {
        await held.release();
        return;
      }
      logger.warn({ err: lost.message }, "closer role lost: no more following or posting until it is held again");
    }
  })();

  return {
    url,
    port,
    logger,
    async close() {
      stopping = true;
      wake?.();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loop;
      stopContending.abort();
      await contention;
      await storage.close();
      logger.info("stopped");
    },
  };
}

async function readIdentity(store: ChainStore, config: AggregatorConfig, label: string): Promise<Identity | undefined> {
  const saved = await store.getValue("identity");
  const distributor = await store.getValue("distributor");
  if (distributor !== undefined && distributor !== config.chain.distributor)
    throw new AggregatorError(
      "CONFIG_INVALID",
      `Invalid configuration: chain.distributor: the database ${label} belongs to distributor ` +
        `${distributor}, not ${config.chain.distributor}.`,
      { status: 500, data: { field: "chain.distributor" } },
    );
  if (distributor === undefined) await store.setValue("distributor", config.chain.distributor);
  if (saved === undefined) return undefined;
  const identity = JSON.parse(saved) as Identity;
  if (config.chain.chainId !== undefined && config.chain.chainId !== identity.chainId)
    throw new AggregatorError(
      "CONFIG_INVALID",
      `Invalid configuration: chain.chainId: the database belongs to chain ${identity.chainId}.`,
      { status: 500, data: { field: "chain.chainId" } },
    );
  return identity;
}

async function fetchIdentity(client: PublicClient, config: AggregatorConfig): Promise<Identity> {
  const chainId = await client.getChainId();
  if (config.chain.chainId !== undefined && config.chain.chainId !== chainId)
    throw new AggregatorError(
      "CONFIG_INVALID",
      `Invalid configuration: chain.chainId: the RPC serves chain ${chainId}, not ${config.chain.chainId}.`,
      { status: 500, data: { field: "chain.chainId" } },
    );
  const code = await client.getCode({ address: config.chain.distributor });
  if (!code || code === "0x")
    throw new AggregatorError(
      "CONFIG_INVALID",
      `Invalid configuration: chain.distributor: no contract at ${config.chain.distributor} on chain ${chainId}.`,
      { status: 500, data: { field: "chain.distributor" } },
    );
  const c = await client.readContract({
    address: config.chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "config",
  });
  const maxPoolTotals = await client.readContract({
    address: config.chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "maxPoolTotals",
  });
  return {
    chainId,
    maxPoolTotals: Number(maxPoolTotals),
    genesisTime: Number(c.genesisTime),
    epochSeconds: Number(c.epochSeconds),
    graceSeconds: Number(c.graceSeconds),
  };
}
