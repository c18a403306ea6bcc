// A small but real aggregator for the simulator tests (no tests here): node:http, POST /v1/receipts with the
// semantics of docs/api.md, validating every receipt with the protocol library against an injectable clock
// (so EPOCH_CLOSED follows the simulation's time), idempotent replay, and per-relay ledgers of what it
// accepted (receipts and bytes per epoch) and refused (codes). Adapted from test/relay-sdk/testAggregator.ts,
// which has a fixed clock.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getEpoch } from "../../src/protocol/epoch/getEpoch.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import type {
  EpochParams,
  MeshpayDomain,
  PoolInfo,
  SignedChunkReceipt,
  SignedViewerTicket,
} from "../../src/protocol/types.ts";
import { bytesToHex } from "../../src/protocol/utils/bytes.ts";
import { validateReceipt } from "../../src/protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";

type Result =
  | { index: number; receiptId: string; status: "accepted" | "already_accepted"; epoch: number }
  | { index: number; receiptId: string | null; status: "rejected"; errors: { code: string; message: string }[] };

export type RelayLedger = {
  accepted: number;
  acceptedBytes: number;
  /** epoch → bytes accepted. */
  bytesByEpoch: Map<number, number>;
  rejected: number;
  rejectedByCode: Map<string, number>;
};

export type SwarmAggregator = Awaited<ReturnType<typeof startSwarmAggregator>>;

export async function startSwarmAggregator(options: {
  domain: MeshpayDomain;
  pools: PoolInfo[];
  epochParams: EpochParams;
  /** The aggregator's clock (unix ms). */
  now: () => number;
}) {
  const verifier = await createNodeReceiptVerifier({ domain: options.domain });
  const pools = new Map(options.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const tickets = new Map<string, SignedViewerTicket>();
  /** receiptId → who it was credited to, when, how big. */
  const accepted = new Map<string, { relay: string; epoch: number; size: number; signed: SignedChunkReceipt }>();
  const seen = new Set<string>();
  const bytesByTicket = new Map<string, bigint>();
  const responses = new Map<string, { body: string; response: string }>();
  const ledgers = new Map<string, RelayLedger>();
  let requests = 0;

  const ledger = (relay: string): RelayLedger => {
    let l = ledgers.get(relay);
    if (!l)
      ledgers.set(
        relay,
        (l = { accepted: 0, acceptedBytes: 0, bytesByEpoch: new Map(), rejected: 0, rejectedByCode: new Map() }),
      );
    return l;
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { code, message });

  const processBatch = (relay: string, batch: { tickets: unknown[]; receipts: unknown[] }): Result[] => {
    const nowMs = BigInt(options.now());
    const batchTickets = new Map<string, SignedViewerTicket>();
    for (const t of batch.tickets) {
      const signed = signedViewerTicketFromJson(t);
      batchTickets.set(bytesToHex(verifier.ticketHash(signed.ticket)), signed);
    }
    const l = ledger(relay);
    const reject = (index: number, receiptId: string | null, errors: { code: string; message: string }[]): Result => {
      l.rejected++;
      for (const code of new Set(errors.map((e) => e.code)))
        l.rejectedByCode.set(code, (l.rejectedByCode.get(code) ?? 0) + 1);
      return { index, receiptId, status: "rejected", errors };
    };
    return batch.receipts.map((item, index): Result => {
      let signed: SignedChunkReceipt;
      try {
        signed = signedChunkReceiptFromJson(item);
      } catch (err) {
        return reject(index, null, [{ code: "RECEIPT_MALFORMED", message: String(err) }]);
      }
      const r = signed.receipt;
      const receiptId = bytesToHex(verifier.receiptDigest(r));
      if (r.relay !== relay)
        return reject(index, receiptId, [
          { code: "RECEIPT_RELAY_MISMATCH", message: "receipt.relay is not the batch's relay" },
        ]);
      const prior = accepted.get(receiptId);
      if (prior && prior.relay === relay) return { index, receiptId, status: "already_accepted", epoch: prior.epoch };
      const ticket = batchTickets.get(r.ticketHash) ?? tickets.get(r.ticketHash);
      if (!ticket) return reject(index, receiptId, [{ code: "TICKET_UNKNOWN", message: "no such ticket" }]);
      const v = validateReceipt({
        receipt: signed,
        ticket,
        pool: pools.get(r.poolId),
        epochParams: options.epochParams,
        nowMs,
        context: { seen, bytesAccepted: bytesByTicket.get(r.ticketHash) ?? 0n },
        verifier,
      });
      if (!v.ok)
        return reject(
          index,
          receiptId,
          v.errors.map((e) => ({ code: e.code, message: e.shortMessage })),
        );
      tickets.set(r.ticketHash, ticket);
      seen.add(v.uniquenessKey);
      bytesByTicket.set(r.ticketHash, (bytesByTicket.get(r.ticketHash) ?? 0n) + BigInt(r.size));
      const epoch = Number(getEpoch(options.epochParams, r.deliveredAt));
      accepted.set(receiptId, { relay, epoch, size: r.size, signed });
      l.accepted++;
      l.acceptedBytes += r.size;
      l.bytesByEpoch.set(epoch, (l.bytesByEpoch.get(epoch) ?? 0) + r.size);
      return { index, receiptId, status: "accepted", epoch };
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || req.url !== "/v1/receipts") return error(res, 404, "NOT_FOUND", "No such route.");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (text.length > 4 * 1024 * 1024) return error(res, 413, "REQUEST_TOO_LARGE", "Body over 4 MiB.");
    requests++;
    const key = req.headers["idempotency-key"];
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
      return error(res, 415, "REQUEST_UNSUPPORTED_MEDIA_TYPE", "Send application/json.");
    if (typeof key !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(key))
      return error(res, 400, "IDEMPOTENCY_KEY_INVALID", "Bad Idempotency-Key.");
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
    json(res, 200, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => error(res, 500, "INTERNAL", String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    /** Tickets of accepted receipts, by ticketHash. */
    tickets,
    ledgers,
    get requests() {
      return requests;
    },
    /** Bytes accepted per epoch for `relay` as a plain object (epoch → bytes). */
    bytesByEpoch(relay: string): Record<string, number> {
      const l = ledgers.get(relay.toLowerCase());
      return Object.fromEntries(
        [...(l?.bytesByEpoch ?? new Map<number, number>())].sort((a, b) => a[0] - b[0]).map(([e, b]) => [String(e), b]),
      );
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
