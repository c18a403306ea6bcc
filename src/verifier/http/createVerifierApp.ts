import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { createAccessLog } from "../../service/http/createAccessLog.ts";
import { encodePageCursor } from "../../service/http/encodePageCursor.ts";
import { type PageQueryError, readPageQuery } from "../../service/http/readPageQuery.ts";
import type { Auditor } from "../audit/createAuditor.ts";
import type { ClaimRelayer } from "../claims/createClaimRelayer.ts";
import type { DisputeDesk } from "../disputes/createDisputeDesk.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import type { VerifierMetrics } from "../metrics/createVerifierMetrics.ts";
import { type AuditRow, createAuditStore } from "../storage/createAuditStore.ts";
import { createPostStore, type PostRow } from "../storage/createPostStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";
// This API's OpenAPI 3.1 document (checked against the real answers by test/verifier/openapi.test.ts).
import openApiDocument from "./openapi.json" with { type: "json" };

/** The 400 errors of readPageQuery as this service's own. */
const pageError: PageQueryError = (code, message, data) => new VerifierError(code, message, { status: 400, data });

export type VerifierAppDeps = {
  store: VerifierStore;
  auditor: Auditor;
  disputes: DisputeDesk;
  claims: ClaimRelayer | undefined;
  metrics: VerifierMetrics;
  /** What /readyz (and its older name /healthz) reports; `ok: false` answers 503. */
  health: () => Promise<Record<string, unknown> & { ok: boolean }>;
  bodyLimitBytes: number;
  logger?: Logger;
};

/**
 * The verifier's HTTP API (docs/api.md, "Verifier"): evidence, epoch audits, disputes, paid claims, health and
 * metrics. JSON in and out; every error is `{ code, message, details? }` with the right status.
 */
export function createVerifierApp(deps: VerifierAppDeps): express.Express {
  const { store, auditor, disputes, claims, metrics, logger } = deps;
  const audits = createAuditStore(store);
  const posts = createPostStore(store);
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // Access log and request ids first, so every later line of a request (req.log) carries its reqId.
  app.use(createAccessLog(logger));

  app.use((req, res, next) => {
    res.on("finish", () =>
      metrics.httpRequests.inc({
        route: (req.route?.path as string | undefined) ?? "unmatched",
        status: String(res.statusCode),
      }),
    );
    next();
  });
  const json = express.json({ limit: deps.bodyLimitBytes, strict: false, type: () => true });
  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is("application/json"))
      return next(
        new VerifierError("REQUEST_UNSUPPORTED_MEDIA_TYPE", "Send the body as Content-Type: application/json.", {
          status: 415,
        }),
      );
    next();
  };

  // Liveness says only that the process serves requests: an orchestrator restarts on it, and a restart cures nothing
  // while the RPC is down. Readiness says whether the verifier keeps up with the chain (take it out of rotation).
  app.get("/livez", (_req, res) => {
    res.json({ ok: true });
  });
  const ready = async (_req: Request, res: Response) => {
    const h = await deps.health();
    res.status(h.ok ? 200 : 503).json(h);
  };
  app.get("/readyz", ready);
  app.get("/healthz", ready);
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument);
  });

  app.get("/v1/evidence/:hash", async (req, res) => {
    const hash = String(req.params.hash).toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(hash))
      throw new VerifierError("REQUEST_INVALID", "The evidence hash must be 0x-hex of 32 bytes.", {
        data: { path: "hash" },
      });
    const bytes = await audits.getEvidence(hash);
    if (!bytes) throw new VerifierError("NOT_FOUND", `No evidence with hash ${hash}.`, { status: 404 });
    res.type("application/json").send(bytes);
  });

  /** A post and its audit as the API shows them, with the on-chain status of the audit's challenge. */
  const viewOf = async (post: PostRow, audit: AuditRow | undefined) =>
    epochView(
      post,
      audit,
      audit?.challenge_id == null ? null : ((await posts.getChallenge(audit.challenge_id))?.status ?? null),
      auditor,
    );
  app.get("/v1/epochs/:epoch", async (req, res) => {
    const epoch = parseEpoch(String(req.params.epoch));
    const found = await auditor.getEpochAudit(epoch);
    if (!found) throw new VerifierError("NOT_FOUND", `Epoch ${epoch} has not been seen posted.`, { status: 404 });
    res.json(await viewOf(found.post, found.audit));
  });
  // Every post seen, newest first (chain order: block, then log index); a page starts before the last post of the
  // previous one, so posts that arrive during a walk never shift it.
  app.get("/v1/epochs", async (req, res) => {
    const { limit, after } = readPageQuery(req, pageError, {
      list: "posts",
      defaultLimit: 100,
      maxLimit: 500,
      parseKey: ([blockNumber, logIndex, ...rest]) =>
        rest.length === 0 &&
        Number.isSafeInteger(blockNumber) &&
        (blockNumber as number) >= 0 &&
        Number.isSafeInteger(logIndex) &&
        (logIndex as number) >= 0
          ? { blockNumber: blockNumber as number, logIndex: logIndex as number }
          : undefined,
    });
    // One more than asked tells whether a next page exists.
    const rows = after ? await posts.listPostsBefore(after, limit + 1) : await posts.listRecentPosts(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    res.json({
      posts: await Promise.all(page.map(async (p) => viewOf(p, await auditor.getAudit(p.id)))),
      nextCursor: rows.length > limit && last ? encodePageCursor("posts", [last.block_number, last.log_index]) : null,
    });
  });

  app.post("/v1/disputes", requireJson, json, async (req, res) => {
    const epoch = req.query.epoch === undefined ? undefined : parseEpoch(String(req.query.epoch));
    const view = await disputes.submit(req.body, epoch === undefined ? {} : { epoch });
    res.status(view.status === "waiting" || view.status === "received" ? 202 : 201).json(view);
  });
  app.get("/v1/disputes/:id", async (req, res) => {
    const view = await disputes.view(String(req.params.id));
    if (!view) throw new VerifierError("NOT_FOUND", `No dispute ${req.params.id}.`, { status: 404 });
    res.json(view);
  });

  app.post("/v1/claims", requireJson, json, async (req, res) => {
    if (!claims) throw new VerifierError("CLAIMS_DISABLED", "This verifier does not relay claims.", { status: 503 });
    const { created, claim } = await claims.submit(req.body);
    res.status(created ? 202 : 200).json(claim);
  });
  app.get("/v1/claims/:id", async (req, res) => {
    if (!claims) throw new VerifierError("CLAIMS_DISABLED", "This verifier does not relay claims.", { status: 503 });
    const claim = await claims.get(String(req.params.id));
    if (!claim) throw new VerifierError("NOT_FOUND", `No claim ${req.params.id}.`, { status: 404 });
    res.json(claim);
  });

  app.use((_req, _res, next) => next(new VerifierError("NOT_FOUND", "No such endpoint.", { status: 404 })));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (err instanceof VerifierError) return res.status(err.status).json(err.toJSON());
    if (e.type === "entity.too.large")
      return res
        .status(413)
        .json({ code: "REQUEST_TOO_LARGE", message: `The body is over ${deps.bodyLimitBytes} bytes.` });
    if (e.type === "entity.parse.failed")
      return res.status(400).json({ code: "REQUEST_INVALID_JSON", message: "The body is not valid JSON." });
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500)
      return res.status(e.status).json({ code: "REQUEST_INVALID", message: String((err as Error).message) });
    if ((err as { code?: unknown })?.code === "STORAGE_UNAVAILABLE") {
      req.log.warn({ err, method: req.method, path: req.path }, "database unavailable");
      res.setHeader("Retry-After", "2");
      return res
        .status(503)
        .json({ code: "SERVICE_UNAVAILABLE", message: "The database is not answering; retry with backoff." });
    }
    req.log.error({ err, method: req.method, path: req.path }, "request failed");
    const unavailable = /fetch failed|ECONNREFUSED|HttpRequestError|timed out/i.test(
      String((err as Error)?.message ?? err),
    );
    return unavailable
      ? res
          .status(503)
          .json({ code: "SERVICE_UNAVAILABLE", message: "The chain's RPC is not answering; retry with backoff." })
      : res.status(500).json({ code: "INTERNAL", message: "Something went wrong; retry with backoff." });
  });
  return app;
}

function parseEpoch(s: string): bigint {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s))
    throw new VerifierError("REQUEST_INVALID", "The epoch must be a non-negative integer.", {
      data: { path: "epoch" },
    });
  return BigInt(s);
}

function epochView(
  post: {
    id: string;
    epoch: number;
    aggregator: string;
    root: string;
    bundle_hash: string;
    bundle_uri: string;
    block_number: number;
    posted_at_s: number;
    rejected_by: number | null;
  },
  audit: AuditRow | undefined,
  onChainStatus: string | null,
  auditor: Auditor,
): Record<string, unknown> {
  return {
    epoch: String(post.epoch),
    post: {
      id: post.id,
      aggregator: post.aggregator,
      root: post.root,
      bundleHash: post.bundle_hash,
      bundleURI: post.bundle_uri,
      blockNumber: String(post.block_number),
      postedAt: String(post.posted_at_s),
      rejectedByChallenge: post.rejected_by === null ? null : String(post.rejected_by),
    },
    audit: audit
      ? {
          status: audit.status,
          fault: audit.fault,
          findings: audit.findings ? JSON.parse(audit.findings) : null,
          evidenceHash: audit.evidence_hash,
          evidenceURI: audit.evidence_hash ? auditor.evidenceUri(audit.evidence_hash) : null,
          recomputedRoot: audit.recomputed_root,
          attempts: audit.attempts,
          lastError: audit.last_error,
          challenge: {
            status: audit.challenge_status,
            challengeId: audit.challenge_id === null ? null : String(audit.challenge_id),
            onChain: audit.challenge_id === null ? null : onChainStatus,
          },
        }
      : null,
  };
}
