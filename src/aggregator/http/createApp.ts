import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { PublicClient } from "viem";
import { rewardLeafToJson } from "../../protocol/bundle/rewardLeafToJson.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { createAccessLog } from "../../service/http/createAccessLog.ts";
import { encodePageCursor } from "../../service/http/encodePageCursor.ts";
import { type PageQueryError, readPageQuery } from "../../service/http/readPageQuery.ts";
import type { PoolRecord, PoolRegistry } from "../chain/createPoolRegistry.ts";
import type { LeafIndex } from "../epoch/createLeafIndex.ts";
import { readAccountRewards } from "../epoch/readAccountRewards.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { Ingestor } from "../ingest/createIngestor.ts";
import type { ManifestIndex } from "../ingest/createManifestIndex.ts";
import { registerManifestRoute } from "../ingest/registerManifestRoute.ts";
import type { AggregatorMetrics } from "../metrics/createMetrics.ts";
import type { EpochPost, EpochStore } from "../storage/EpochStore.ts";
import { getBodyDecoder } from "./getBodyDecoder.ts";
// This API's OpenAPI 3.1 document (checked against the real answers by test/aggregator/openapi.test.ts).
import openApiDocument from "./openapi.json" with { type: "json" };
import { type BodyTooLargeError, readBody } from "./readBody.ts";

/** The 400 errors of readPageQuery as this service's own. */
const pageError: PageQueryError = (code, message, data) => new AggregatorError(code, message, { status: 400, data });

export type AppOptions = {
  ingestor: Ingestor;
  pools: PoolRegistry;
  epochs: EpochStore;
  leafIndex: LeafIndex;
  /** The chain GET /v1/accounts/:account/rewards reads (claimed amounts, claimable epochs, the contract clock). */
  chain: { client: PublicClient; distributor: Address };
  epochParams: { genesisTime: number; epochSeconds: number; graceSeconds: number };
  maxBodyBytes: number;
  metrics: AggregatorMetrics;
  logger: Logger;
  /** Whether ingest may run (the chain follower has caught up once); the reason when not. */
  readiness: () => { ready: boolean; reason?: string };
  /** GET /healthz: HTTP status and body. */
  health: () => Promise<{ status: number; body: Record<string, unknown> }>;
  now?: () => number;
  /** Content binding: POST /v1/manifests feeds it (only when some pool requires it). */
  manifests?: ManifestIndex;
};

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const EPOCH = /^(0|[1-9][0-9]{0,9})$/;

/**
 * The aggregator's HTTP API (docs/api.md) as an express 5 app. Every answer is JSON (bundles are NDJSON files);
 * every error is `{ code, message, details? }` with its status, including unknown routes, wrong methods, bodies
 * express or Node could not read and any unexpected failure (500 INTERNAL, logged).
 */
export function createApp(o: AppOptions): express.Express {
  const now = o.now ?? Date.now;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  // Access log and request ids first, so every later line of a request (req.log) carries its reqId.
  app.use(createAccessLog(o.logger));

  // Metrics per route; the route label is the pattern, never the raw path.
  app.use((_req, res, next) => {
    const started = performance.now();
    res.on("finish", () => {
      const route = (res.locals.route as string | undefined) ?? "unmatched";
      o.metrics.httpDuration.observe({ route }, (performance.now() - started) / 1000);
      o.metrics.httpResponses.inc({
        route,
        status: String(res.statusCode),
        code: (res.locals.errorCode as string | undefined) ?? "",
      });
    });
    next();
  });
  const route = (name: string) => (_req: Request, res: Response, next: NextFunction) => {
    res.locals.route = name;
    next();
  };

  app.post("/v1/receipts", route("POST /v1/receipts"), async (req, res) => {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json")
      throw new AggregatorError("REQUEST_UNSUPPORTED_MEDIA_TYPE", "Send the batch as Content-Type: application/json.", {
        status: 415,
        data: { contentType: req.headers["content-type"] ?? null },
      });
    const key = req.headers["idempotency-key"];
    if (key === undefined || key === "")
      throw new AggregatorError(
        "IDEMPOTENCY_KEY_MISSING",
        "Every batch needs an Idempotency-Key header; reuse it when retrying the batch.",
        { status: 400 },
      );
    if (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))
      throw new AggregatorError(
        "IDEMPOTENCY_KEY_INVALID",
        "Idempotency-Key must be 1 to 128 characters of A-Z a-z 0-9 _ . : -",
        { status: 400 },
      );
    const decode = getBodyDecoder(req.headers["content-encoding"]);
    const raw = await decode(await readBody(req, o.maxBodyBytes), o.maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (cause) {
      throw new AggregatorError("REQUEST_INVALID_JSON", `The body is not valid JSON: ${(cause as Error).message}`, {
        status: 400,
      });
    }
    const ready = o.readiness();
    if (!ready.ready)
      throw new AggregatorError(
        "SERVICE_UNAVAILABLE",
        `Not accepting receipts yet: ${ready.reason ?? "starting"}. Retry with backoff.`,
        { status: 503 },
      );
    const bodyHash = createHash("sha256").update(raw).digest("hex");
    const started = performance.now();
    const { json, replayed } = await o.ingestor.ingest({ idempotencyKey: key, bodyHash, body });
    if (replayed) res.setHeader("Idempotent-Replayed", "true");
    if (req.log.isLevelEnabled("debug"))
      req.log.debug(
        { idempotencyKey: key, bytes: raw.length, replayed, ms: Math.round(performance.now() - started) },
        "receipt batch",
      );
    res.status(200).type("application/json").send(json);
  });

  if (o.manifests) registerManifestRoute(app, o.manifests, route);

  // Sorted by poolId; a page starts after the last poolId of the previous one.
  app.get("/v1/pools", route("GET /v1/pools"), (req, res) => {
    const { limit, after } = readPageQuery(req, pageError, {
      list: "pools",
      defaultLimit: 100,
      maxLimit: 1000,
      parseKey: ([poolId, ...rest]) =>
        rest.length === 0 && typeof poolId === "string" && BYTES32.test(poolId) ? poolId.toLowerCase() : undefined,
    });
    const epoch = currentEpoch();
    const all = o.pools.all();
    const start = after === undefined ? 0 : all.findIndex((p) => p.poolId.toLowerCase() > after);
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const more = start >= 0 && start + limit < all.length;
    res.json({
      pools: page.map((p) => poolView(p, epoch, false)),
      nextCursor: more ? encodePageCursor("pools", [page.at(-1)!.poolId.toLowerCase()]) : null,
    });
  });

  app.get("/v1/pools/:poolId", route("GET /v1/pools/:poolId"), (req, res) => {
    const poolId = param(req, "poolId", BYTES32, "a 0x-prefixed 32-byte pool id");
    const pool = o.pools.get(poolId);
    if (!pool)
      throw new AggregatorError("POOL_NOT_FOUND", `No pool ${poolId} on chain (as followed so far).`, {
        status: 404,
        data: { poolId },
      });
    res.json(poolView(pool, currentEpoch(), true));
  });

  // Newest first, from the current epoch down to 0; a page starts below the last epoch of the previous one.
  app.get("/v1/epochs", route("GET /v1/epochs"), async (req, res) => {
    const current = currentEpoch();
    const { limit, after } = readPageQuery(req, pageError, {
      list: "epochs",
      defaultLimit: 50,
      maxLimit: 500,
      parseKey: ([epoch, ...rest]) =>
        rest.length === 0 && Number.isSafeInteger(epoch) && (epoch as number) >= 0 ? (epoch as number) : undefined,
    });
    const to = after === undefined ? current + 1 : Math.min(after, current + 1);
    const from = Math.max(0, to - limit);
    const stats = await o.epochs.statsRange(from, to);
    const items = [];
    for (let e = to - 1; e >= from; e--) items.push(await epochView(e, stats.get(e), false));
    res.json({
      currentEpoch: current,
      epochs: items,
      nextCursor: from > 0 ? encodePageCursor("epochs", [from]) : null,
    });
  });

  app.get("/v1/epochs/:epoch", route("GET /v1/epochs/:epoch"), async (req, res) => {
    const epoch = epochParam(req);
    res.json(await epochView(epoch, (await o.epochs.statsRange(epoch, epoch + 1)).get(epoch), true));
  });

  /** Streams the bundle of `epoch` (the one with ?hash= when given): whole, or from its first leaf line. */
  const sendBundle = async (req: Request, res: Response, part: "whole" | "leaves") => {
    const epoch = epochParam(req);
    const post = await postFor(req, epoch);
    if (!post?.servable)
      throw new AggregatorError(
        "BUNDLE_NOT_FOUND",
        `No bundle of epoch ${epoch}${req.query.hash ? ` with hash ${String(req.query.hash)}` : ""} is available.`,
        { status: 404, data: { epoch } },
      );
    let size: number;
    try {
      size = statSync(post.bundlePath).size;
    } catch {
      throw new AggregatorError("BUNDLE_NOT_FOUND", `The bundle file of epoch ${epoch} is missing on this server.`, {
        status: 404,
        data: { epoch },
      });
    }
    const from = part === "leaves" ? post.leavesOffset : 0;
    res.status(200);
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Length", String(size - from));
    res.setHeader("ETag", `"${post.fileHash}${part === "leaves" ? ":leaves" : ""}"`);
    res.setHeader("X-Meshpay-Bundle-Hash", post.fileHash);
    if (part === "leaves") res.setHeader("X-Meshpay-Leaves-Offset", String(from));
    res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    const stream = createReadStream(post.bundlePath, { start: from });
    stream.on("error", (err) => {
      req.log.error({ err, epoch }, "bundle stream failed");
      res.destroy(err);
    });
    stream.pipe(res);
  };
  app.get("/v1/epochs/:epoch/bundle", route("GET /v1/epochs/:epoch/bundle"), (req, res) =>
    sendBundle(req, res, "whole"),
  );
  // The bundle's leaf lines and its end line, byte for byte (what a proof needs, without the receipts before them).
  app.get("/v1/epochs/:epoch/bundle/leaves", route("GET /v1/epochs/:epoch/bundle/leaves"), (req, res) =>
    sendBundle(req, res, "leaves"),
  );

  // The reward-tree leaves of a bundle as JSON pages, in bundle order (poolId, account). A cursor pins the bundle it
  // was made from (its hash), so a walk stays on one bundle even when the epoch is posted again meanwhile.
  app.get("/v1/epochs/:epoch/leaves", route("GET /v1/epochs/:epoch/leaves"), async (req, res) => {
    const epoch = epochParam(req);
    const { limit, after } = readPageQuery(req, pageError, {
      list: `leaves:${epoch}`,
      defaultLimit: 1000,
      maxLimit: 10_000,
      parseKey: ([bundleHash, poolId, account, ...rest]) =>
        rest.length === 0 &&
        typeof bundleHash === "string" &&
        BYTES32.test(bundleHash) &&
        typeof poolId === "string" &&
        BYTES32.test(poolId) &&
        typeof account === "string" &&
        ADDRESS.test(account)
          ? { bundleHash: bundleHash.toLowerCase(), poolId: poolId.toLowerCase(), account: account.toLowerCase() }
          : undefined,
    });
    let post = await postFor(req, epoch);
    if (after) {
      if (req.query.hash !== undefined && post?.bundleHash.toLowerCase() !== after.bundleHash)
        throw new AggregatorError("CURSOR_INVALID", "cursor was made for another bundle than hash names.", {
          status: 400,
          data: { path: "cursor" },
        });
      post = await o.epochs.byBundleHash(epoch, after.bundleHash);
    }
    if (!post?.servable)
      throw new AggregatorError("BUNDLE_NOT_FOUND", `No bundle of epoch ${epoch} is available.`, {
        status: 404,
        data: { epoch },
      });
    const { leaves, more } = await o.leafIndex.list(post.bundlePath, post.leavesOffset, after, limit);
    const last = leaves.at(-1)?.leaf;
    res.json({
      epoch,
      attempt: post.attempt,
      state: post.state,
      root: post.root,
      bundleHash: post.bundleHash,
      leafCount: post.leafCount,
      leaves: leaves.map((l) => ({ ...rewardLeafToJson(l.leaf), leafHash: l.leafHash })),
      nextCursor:
        more && last
          ? encodePageCursor(`leaves:${epoch}`, [
              post.bundleHash.toLowerCase(),
              last.poolId.toLowerCase(),
              last.account.toLowerCase(),
            ])
          : null,
    });
  });

  app.get(
    "/v1/epochs/:epoch/leaves/:poolId/:account",
    route("GET /v1/epochs/:epoch/leaves/:poolId/:account"),
    async (req, res) => {
      const epoch = epochParam(req);
      const poolId = param(req, "poolId", BYTES32, "a 0x-prefixed 32-byte pool id");
      const account = param(req, "account", ADDRESS, "a 0x-prefixed 20-byte address");
      const post = await postFor(req, epoch);
      if (!post)
        throw new AggregatorError("EPOCH_NOT_FOUND", `Epoch ${epoch} has no reward tree yet.`, {
          status: 404,
          data: { epoch },
        });
      const found = await o.leafIndex.find(post.bundlePath, post.leavesOffset, poolId, account);
      if (!found)
        throw new AggregatorError(
          "LEAF_NOT_FOUND",
          `Account ${account} has no leaf in pool ${poolId} in epoch ${epoch}.`,
          { status: 404, data: { epoch, poolId, account } },
        );
      const l = found.leaf;
      res.json({
        epoch,
        attempt: post.attempt,
        state: post.state,
        claimable: post.state === "claimable",
        root: found.root,
        bundleHash: post.bundleHash,
        leaf: rewardLeafToJson(l),
        leafHash: found.leafHash,
        proof: found.proof,
      });
    },
  );

  // Merkl's convention: everything an account has earned, per pool, with what it can claim now and how.
  app.get("/v1/accounts/:account/rewards", route("GET /v1/accounts/:account/rewards"), async (req, res) => {
    const account = param(req, "account", ADDRESS, "a 0x-prefixed 20-byte address") as Address;
    const view = await readAccountRewards(
      { ...o.chain, epochs: o.epochs, leafIndex: o.leafIndex, pools: o.pools },
      account,
    );
    res.setHeader("Cache-Control", "no-store");
    res.json(view);
  });

  // Liveness: the process serves requests (restart only if not). Readiness (also under its older name /healthz): it
  // can take receipts and keeps up with the chain (route traffic elsewhere if not; a restart would not help).
  app.get("/livez", route("GET /livez"), (_req, res) => {
    res.json({ ok: true });
  });
  const ready = async (_req: Request, res: Response) => {
    const h = await o.health();
    res.status(h.status).json(h.body);
  };
  app.get("/readyz", route("GET /readyz"), ready);
  app.get("/healthz", route("GET /healthz"), ready);

  app.get("/metrics", route("GET /metrics"), async (_req, res) => {
    res.setHeader("Content-Type", o.metrics.registry.contentType);
    res.send(await o.metrics.registry.metrics());
  });

  app.get("/openapi.json", route("GET /openapi.json"), (_req, res) => {
    res.json(openApiDocument);
  });

  // Known paths with a method they do not support.
  const methods: [string, string][] = [
    ["/v1/receipts", "POST"],
    ["/v1/pools", "GET"],
    ["/v1/pools/:poolId", "GET"],
    ["/v1/epochs", "GET"],
    ["/v1/epochs/:epoch", "GET"],
    ["/v1/epochs/:epoch/bundle", "GET"],
    ["/v1/epochs/:epoch/bundle/leaves", "GET"],
    ["/v1/epochs/:epoch/leaves", "GET"],
    ["/v1/epochs/:epoch/leaves/:poolId/:account", "GET"],
    ["/v1/accounts/:account/rewards", "GET"],
    ["/livez", "GET"],
    ["/readyz", "GET"],
    ["/healthz", "GET"],
    ["/metrics", "GET"],
    ["/openapi.json", "GET"],
  ];
  for (const [path, allowed] of methods) {
    app.all(path, route(`${allowed} ${path}`), (req, res) => {
      res.setHeader("Allow", allowed === "GET" ? "GET, HEAD" : allowed);
      throw new AggregatorError("METHOD_NOT_ALLOWED", `${req.method} is not supported on ${path}; use ${allowed}.`, {
        status: 405,
      });
    });
  }

  app.use((req) => {
    throw new AggregatorError("NOT_FOUND", `No route ${req.method} ${req.path}.`, { status: 404 });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toAggregatorError(err);
    if (e.status >= 500) req.log.error({ err, method: req.method, path: req.path }, "request failed");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.locals.errorCode = e.code;
    if (e.code === "RATE_LIMITED") res.setHeader("Retry-After", String(e.data?.retryAfterSeconds ?? 1));
    if (e.code === "SERVICE_UNAVAILABLE") res.setHeader("Retry-After", "2");
    if ((e as Partial<BodyTooLargeError>).closeConnection) res.setHeader("Connection", "close");
    res.status(e.status).json(e.toJSON());
  });

  function currentEpoch(): number {
    const s = Math.floor(now() / 1000);
    return s < o.epochParams.genesisTime ? 0 : Math.floor((s - o.epochParams.genesisTime) / o.epochParams.epochSeconds);
  }

  function poolView(p: PoolRecord, epoch: number, detail: boolean) {
    const view = {
      poolId: p.poolId,
      token: p.token,
      owner: p.owner,
      ticketSigner: o.pools.signerAt(p, Math.floor(now() / 1000)),
      pricePerGB: o.pools.priceAt(p, epoch).toString(),
      unallocated: p.unallocated.toString(),
      owed: p.owed.toString(),
      metadataURI: p.metadataUri,
      createdBlock: p.createdBlock,
      createdAt: p.createdAt,
      balancesBlock: p.updatedBlock,
    };
    if (!detail) return view;
    return {
      ...view,
      signers: p.signers.map((s) => ({ since: s.since, signer: s.signer })),
      prices: p.prices.map((x) => ({ fromEpoch: x.fromEpoch, pricePerGB: x.pricePerGB.toString() })),
    };
  }

  async function epochView(epoch: number, stats: { receiptCount: number; bytes: number } | undefined, detail: boolean) {
    const { genesisTime, epochSeconds, graceSeconds } = o.epochParams;
    const startsAt = genesisTime + epoch * epochSeconds;
    const closesAt = startsAt + epochSeconds + graceSeconds;
    const post = await o.epochs.current(epoch);
    const status = post ? post.state : now() < closesAt * 1000 ? "open" : "closed";
    const view = {
      epoch,
      startsAt,
      endsAt: startsAt + epochSeconds,
      closesAt,
      status,
      receiptCount: stats?.receiptCount ?? 0,
      bytes: String(stats?.bytes ?? 0),
      post: post ? postView(post) : null,
    };
    return detail ? { ...view, attempts: (await o.epochs.attempts(epoch)).map(postView) } : view;
  }

  async function postFor(req: Request, epoch: number): Promise<EpochPost | undefined> {
    const hash = req.query.hash;
    if (hash === undefined) return o.epochs.current(epoch);
    if (typeof hash !== "string" || !BYTES32.test(hash))
      throw new AggregatorError("REQUEST_INVALID", "hash must be a 0x-prefixed 32-byte bundle hash.", {
        status: 400,
        data: { path: "hash" },
      });
    return o.epochs.byBundleHash(epoch, hash);
  }

  return app;
}

function postView(p: EpochPost) {
  return {
    attempt: p.attempt,
    state: p.state,
    root: p.root,
    bundleHash: p.bundleHash,
    bundleURI: p.bundleUri,
    bundleBytes: p.bundleBytes,
    snapshotBlock: p.snapshotBlock,
    previousBundleHash: p.previousBundleHash,
    poolTotals: JSON.parse(p.poolTotals) as { poolId: Hex; amount: string }[],
    receiptCount: p.receiptCount,
    ticketCount: p.ticketCount,
    leafCount: p.leafCount,
    txHash: p.minedTxHash ?? p.txHash,
    nonce: p.nonce,
    minedBlock: p.minedBlock,
    postedAt: p.postedAt,
    challengeId: p.challengeId,
    error: p.error,
  };
}

function param(req: Request, name: string, pattern: RegExp, what: string): string {
  const value = req.params[name];
  if (typeof value !== "string" || !pattern.test(value))
    throw new AggregatorError("REQUEST_INVALID", `${name} must be ${what}.`, { status: 400, data: { path: name } });
  return value.toLowerCase();
}

function epochParam(req: Request): number {
  return Number(param(req, "epoch", EPOCH, "a non-negative integer epoch number"));
}

/**
 * Any thrown value as an AggregatorError: ours as is, a storage outage as 503 SERVICE_UNAVAILABLE, express/Node 4xx as
 * REQUEST_INVALID, the rest INTERNAL.
 */
function toAggregatorError(err: unknown): AggregatorError {
  if (err instanceof AggregatorError) return err;
  // A read of the PostgreSQL stores during an outage (guardPostgres): worth a retry, like ingest's 503.
  if ((err as { code?: unknown })?.code === "STORAGE_UNAVAILABLE")
    return new AggregatorError("SERVICE_UNAVAILABLE", "Storage is unavailable right now; retry with backoff.", {
      status: 503,
      cause: err,
      data: { reason: "STORAGE_UNAVAILABLE" },
    });
  const status =
    (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  const type = (err as { type?: unknown })?.type;
  if (type === "entity.too.large" || status === 413)
    return new AggregatorError("REQUEST_TOO_LARGE", "The body is too large.", { status: 413 });
  if (type === "entity.parse.failed")
    return new AggregatorError("REQUEST_INVALID_JSON", "The body is not valid JSON.", { status: 400 });
  if (typeof status === "number" && status >= 400 && status < 500)
    return new AggregatorError(
      "REQUEST_INVALID",
      `The request could not be read: ${(err as Error).message ?? "bad request"}.`,
      { status: 400 },
    );
  return new AggregatorError("INTERNAL", "Internal error; retry with backoff.", { status: 500, cause: err });
}
