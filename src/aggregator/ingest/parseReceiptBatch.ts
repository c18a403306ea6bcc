import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import type { Address, SignedViewerTicket } from "../../protocol/types.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";

/** A POST /v1/receipts body whose envelope is valid; receipts are decoded one by one later (per-receipt errors). */
export type ReceiptBatch = {
  relay: Address;
  tickets: SignedViewerTicket[];
  /** Raw JSON items; each is decoded on its own so one bad receipt is rejected alone. */
  receipts: unknown[];
};

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Checks the envelope of a receipt batch: `relay` (address), `tickets` (optional array of signed tickets, each
 * strictly decoded) and `receipts` (array), no other field, within the batch limits. Throws AggregatorError
 * REQUEST_INVALID (`details.path` names the field) or BATCH_TOO_LARGE.
 */
export function parseReceiptBatch(body: unknown, limits: { maxReceipts: number; maxTickets: number }): ReceiptBatch {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw shape("(root)", "The body must be a JSON object.");
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== "relay" && key !== "tickets" && key !== "receipts")
      throw shape(key, `Unknown field "${key}" (known: relay, tickets, receipts).`);
  const relay = record.relay;
  if (typeof relay !== "string" || !ADDRESS.test(relay))
    throw shape("relay", "relay must be a 0x-prefixed 20-byte hex address.");
  const receipts = record.receipts;
  if (!Array.isArray(receipts)) throw shape("receipts", "receipts must be an array.");
  const ticketsRaw = record.tickets ?? [];
  if (!Array.isArray(ticketsRaw)) throw shape("tickets", "tickets must be an array.");
  if (receipts.length > limits.maxReceipts || ticketsRaw.length > limits.maxTickets)
    throw new AggregatorError(
      "BATCH_TOO_LARGE",
      `A batch holds at most ${limits.maxReceipts} receipts and ${limits.maxTickets} tickets (this one: ` +
        `${receipts.length} and ${ticketsRaw.length}); split it.`,
      {
        status: 400,
        data: {
          receipts: receipts.length,
          tickets: ticketsRaw.length,
          maxReceipts: limits.maxReceipts,
          maxTickets: limits.maxTickets,
        },
      },
    );
  const tickets: SignedViewerTicket[] = [];
  for (let i = 0; i < ticketsRaw.length; i++) {
    try {
      tickets.push(signedViewerTicketFromJson(ticketsRaw[i]));
    } catch (cause) {
      if (!(cause instanceof ProtocolError)) throw cause;
      const field = cause.field && cause.field !== "(root)" ? `tickets[${i}].${cause.field}` : `tickets[${i}]`;
      throw shape(field, `${field}: ${cause.details || cause.shortMessage}`, cause);
    }
  }
  return { relay: relay.toLowerCase() as Address, tickets, receipts };
}

function shape(path: string, message: string, cause?: unknown): AggregatorError {
  return new AggregatorError("REQUEST_INVALID", message, {
    status: 400,
    data: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}
