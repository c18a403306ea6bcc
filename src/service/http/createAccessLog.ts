import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Logger, pino } from "pino";
import { pinoHttp } from "pino-http";

/** Header a request id arrives in and is echoed back in. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A caller's request id is kept only when it is 1 to 128 characters of A-Z a-z 0-9 _ . : - (so it cannot break a
 * log line or a header, and a client cannot make every line of a request huge); otherwise one is generated.
 */
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Probes and scrapes every few seconds: logged at debug when they succeed, so the info log stays readable. */
const QUIET_PATHS = new Set(["/livez", "/readyz", "/healthz", "/metrics"]);

/**
 * The access log both services mount first (express middleware): one line per request when the response finishes
 * (`req.id`, `req.method`, `req.url`, `res.statusCode`, `responseTime` in milliseconds, `reqId`), at info, warn for
 * 4xx and error for 5xx. The request id is the caller's `x-request-id` when valid, else a random UUID; it is echoed in
 * the response's `x-request-id` header, and `req.log` (which the route and error handlers log through) carries it as
 * `reqId` on every line. Without a logger only the request ids are kept.
 */
export function createAccessLog(logger: Logger | undefined) {
  return pinoHttp<IncomingMessage, ServerResponse, never>({
    logger: logger ?? pino({ enabled: false }),
    quietReqLogger: true,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers[REQUEST_ID_HEADER];
      const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return "error";
      if (res.statusCode >= 400) return "warn";
      return QUIET_PATHS.has((req.url ?? "").split("?")[0]!) ? "debug" : "info";
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
