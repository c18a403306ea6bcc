// A small but real aggregator for the relay tests (no tests here): node:http, POST /v1/receipts with the
// semantics of docs/api.md (validation through the protocol library, per-receipt results, idempotent replay,
// 409 on a reused key) plus scripted faults (error statuses, dropped connections, held responses).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { getEpoch } from "../../src/protocol/epoch/getEpoch.ts";
import type {
  EpochParams,
  MeshpayDomain,
  PoolInfo,
  SignedChunkReceipt,
  SignedViewerTicket,
} from "../../src/protocol/types.ts";
import { validateReceipt } from "../../src/protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";

/** What the next request gets instead of (or on top of) normal processing. */
export type Fault =
  /** Answer with this status and error code without storing anything. */
  | { kind: "status"; status: number; code: string; retryAfter?: string }
  /** Close the connection without answering or storing anything. */
  | { kind: "drop" }
  /** Store the batch, then close the connection without answering. */
  | { kind: "drop_after_processing" }
  /** Store the batch, then wait for release() before answering (the client may be gone by then). */
  | { kind: "hold" }
  /** Store the batch, then answer after `ms`. */
  | { kind: "delay"; ms: number };

export type LoggedRequest = {
  key: string;
  body: string;
  fault: Fault["kind"] | null;
  replayed: boolean;
  status: number | null;
};

type Result =
  | { index: number; receiptId: string; status: "accepted" | "already_accepted"; epoch: number }
  | { index: number; receiptId: string | null; status: "rejected"; errors: { code: string; message: string }[] };

export type TestAggregator = Awaited<ReturnType<typeof startTestAggregator>>;

export async function startTestAggregator(options: {
  domain: MeshpayDomain;
  pools: PoolInfo[];
  epochParams: EpochParams;
  nowMs: bigint;
  faults?: Fault[];
}) {
  const verifier = createReceiptVerifier({ domain: options.domain });
  const pools = new Map(options.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const faults: Fault[] = [...(options.faults ?? [])];
  const requests: LoggedRequest[] = [];
  const tickets = new Map<string, SignedViewerTicket>();
  const accepted = new Map<string, { relay: string; epoch: number }>();
  /** receiptId → how many times a request stored it as newly accepted (must never exceed 1). */
  const acceptCount = new Map<string, number>();
  const seen = new Set<string>();
  const bytesByTicket = new Map<string, bigint>();
  const responses = new Map<string, { body: string; response: string }>();
  let releaseHeld: (() => void) | null = null;
  let heldWaiters: (() => void)[] = [];
  let heldCount = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const error = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) => json(res, status, { code, message }, headers);

  const processBatch = (relay: string, batch: { tickets: unknown[]; receipts: unknown[] }) => {
    const batchTickets = new Map<string, SignedViewerTicket>();
    for (const t of batch.tickets) {
      const signed = signedViewerTicketFromJson(t);
      batchTickets.set(hashViewerTicket(signed.ticket), signed);
    }
    const results: Result[] = [];
    batch.receipts.forEach((item, index) => {
      let signed: SignedChunkReceipt;
      try {
        signed = signedChunkReceiptFromJson(item);
      } catch (err) {
        results.push({
          index,
          receiptId: null,
          status: "rejected",
          errors: [{ code: "RECEIPT_MALFORMED", message: String(err) }],
        });
        return;
      }
      const r = signed.receipt;
      const receiptId = getReceiptId(r, options.domain);
      if (r.relay !== relay) {
        results.push({
          index,
          receiptId,
          status: "rejected",
          errors: [{ code: "RECEIPT_RELAY_MISMATCH", message: "relay differs" }],
        });
        return;
      }
      const prior = accepted.get(receiptId);
      if (prior && prior.relay === relay) {
        results.push({ index, receiptId, status: "already_accepted", epoch: prior.epoch });
        return;
      }
      const ticket = batchTickets.get(r.ticketHash) ?? tickets.get(r.ticketHash);
      if (!ticket) {
        results.push({
          index,
          receiptId,
          status: "rejected",
          errors: [{ code: "TICKET_UNKNOWN", message: "no such ticket" }],
        });
        return;
      }
      const v = validateReceipt({
        receipt: signed,
        ticket,
        pool: pools.get(r.poolId),
        epochParams: options.epochParams,
        nowMs: options.nowMs,
        context: { seen, bytesAccepted: bytesByTicket.get(r.ticketHash) ?? 0n },
        verifier,
      });
      if (!v.ok) {
        results.push({
          index,
          receiptId,
          status: "rejected",
          errors: v.errors.map((e) => ({ code: e.code, message: e.shortMessage })),
        });
        return;
      }
      tickets.set(r.ticketHash, ticket);
      seen.add(v.uniquenessKey);
      bytesByTicket.set(r.ticketHash, (bytesByTicket.get(r.ticketHash) ?? 0n) + BigInt(r.size));
      const epoch = Number(getEpoch(options.epochParams, r.deliveredAt));
      accepted.set(receiptId, { relay, epoch });
      acceptCount.set(receiptId, (acceptCount.get(receiptId) ?? 0) + 1);
      results.push({ index, receiptId, status: "accepted", epoch });
    });
    return results;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || req.url !== "/v1/receipts") return error(res, 404, "NOT_FOUND", "No such route.");
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 4 * 1024 * 1024) return error(res, 413, "REQUEST_TOO_LARGE", "Body over 4 MiB.");
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    const key = req.headers["idempotency-key"];
    const fault = faults.shift() ?? null;
    const log: LoggedRequest = {
      key: typeof key === "string" ? key : "",
      body: text,
      fault: fault?.kind ?? null,
      replayed: false,
      status: null,
    };
    requests.push(log);
    res.on("finish", () => (log.status = res.statusCode));

    if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
      return error(res, 415, "REQUEST_UNSUPPORTED_MEDIA_TYPE", "Send application/json.");
    if (typeof key !== "string") return error(res, 400, "IDEMPOTENCY_KEY_MISSING", "Idempotency-Key is required.");
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(key))
      return error(res, 400, "IDEMPOTENCY_KEY_INVALID", "Bad Idempotency-Key.");
    if (fault?.kind === "status")
      return error(
        res,
        fault.status,
        fault.code,
        "Injected failure.",
        fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
      );
    if (fault?.kind === "drop") return void req.socket.destroy();

    let body: { relay?: unknown; tickets?: unknown; receipts?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return error(res, 400, "REQUEST_INVALID_JSON", "The body is not JSON.");
    }
    if (
      typeof body.relay !== "string" ||
      !/^0x[0-9a-fA-F]{40}$/.test(body.relay) ||
      !Array.isArray(body.tickets) ||
      !Array.isArray(body.receipts)
    )
      return error(res, 400, "REQUEST_INVALID", "Wrong shape.");
    if (body.receipts.length > 5000 || body.tickets.length > 1000)
      return error(res, 400, "BATCH_TOO_LARGE", "Too many items.");
    const relay = body.relay.toLowerCase();
    const idemKey = `${relay}|${key}`;
    const stored = responses.get(idemKey);
    if (stored) {
      if (stored.body !== text) return error(res, 409, "IDEMPOTENCY_KEY_REUSED", "Same key, different body.");
      log.replayed = true;
      return json(res, 200, stored.response, { "idempotent-replayed": "true" });
    }
    let results: Result[];
    try {
      results = processBatch(relay, { tickets: body.tickets, receipts: body.receipts });
    } catch {
      return error(res, 400, "REQUEST_INVALID", "A ticket could not be decoded.");
    }
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const response = JSON.stringify({
      idempotencyKey: key,
      accepted: count("accepted"),
      alreadyAccepted: count("already_accepted"),
      rejected: count("rejected"),
      results,
    });
    responses.set(idemKey, { body: text, response });

    if (fault?.kind === "drop_after_processing") return void req.socket.destroy();
    if (fault?.kind === "hold") {
      heldCount++;
      const waiters = heldWaiters;
      heldWaiters = [];
      for (const w of waiters) w();
      await new Promise<void>((resolve) => (releaseHeld = resolve));
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    json(res, 200, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => error(res, 500, "INTERNAL", String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    requests,
    acceptCount,
    /** receiptIds the server holds as accepted. */
    accepted,
    /** Resolves once a request with a `hold` fault has been stored and is being held. */
    waitForHeld(): Promise<void> {
      return heldCount > 0 ? Promise.resolve() : new Promise((resolve) => heldWaiters.push(resolve));
    },
    /** Lets a held response go (to a client that may have gone). */
    release(): void {
      releaseHeld?.();
      releaseHeld = null;
    },
    async close(): Promise<void> {
      releaseHeld?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
