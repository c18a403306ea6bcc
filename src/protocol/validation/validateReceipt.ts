import type { ReceiptVerifier } from "../createReceiptVerifier.ts";
import { encodeChunkReceipt } from "../eip712/encodeChunkReceipt.ts";
import { encodeViewerTicket } from "../eip712/encodeViewerTicket.ts";
import { assertEpochParams } from "../epoch/assertEpochParams.ts";
import { getEpoch } from "../epoch/getEpoch.ts";
import { isEpochOpen } from "../epoch/isEpochOpen.ts";
import type { ReceiptValidationCode } from "../errors/codes.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import type { EpochParams, Hex, PoolInfo, SignedChunkReceipt, SignedViewerTicket } from "../types.ts";
import { bytesToHex, isHexOfLength, sameAddress } from "../utils/bytes.ts";
import { getUniquenessKey } from "./getUniquenessKey.ts";

export type ReceiptValidationError = ProtocolError<ReceiptValidationCode>;

/** What the caller already accepted: uniqueness keys seen and bytes already credited to this ticket. */
export type ReceiptValidationContext = {
  /** Has this uniqueness key (getUniquenessKey) been accepted before? A Set<string> works. */
  seen: { has(key: string): boolean };
  /** Bytes of receipts already accepted for this receipt's ticket. */
  bytesAccepted: bigint;
};

export type ReceiptValidationArgs = {
  receipt: SignedChunkReceipt;
  ticket: SignedViewerTicket;
  /** The pool of receipt.poolId, or undefined when there is none. */
  pool: PoolInfo | undefined;
  epochParams: EpochParams;
  /** Current time, unix ms. */
  nowMs: bigint;
  context: ReceiptValidationContext;
  /** Hashing and signature backend bound to the domain (createReceiptVerifier / createNodeReceiptVerifier). */
  verifier: ReceiptVerifier;
};

export type ReceiptValidationResult =
  | { ok: true; errors: []; receiptId: Hex; ticketHash: Hex; epoch: bigint; uniquenessKey: string }
  | {
      ok: false;
      errors: ReceiptValidationError[];
      receiptId?: Hex;
      ticketHash?: Hex;
      epoch?: bigint;
      uniquenessKey?: string;
    };

/**
 * Checks a signed receipt against its signed ticket, pool, epoch schedule and what was already accepted,
 * and reports every reason it fails (not just the first), each a ProtocolError with a stable code:
 * RECEIPT_MALFORMED, POOL_UNKNOWN, RECEIPT_POOL_MISMATCH, RECEIPT_TICKET_MISMATCH, TICKET_BAD_SIGNER,
 * RECEIPT_BAD_SIGNATURE, RECEIPT_SIGNER_NOT_VIEWER, RECEIPT_OUTSIDE_TICKET_WINDOW, RECEIPT_OVER_MAX_BYTES,
 * RECEIPT_DUPLICATE, EPOCH_CLOSED. A malformed receipt or ticket is reported alone (nothing else can be checked).
 * Does not change `context`: on success the caller records uniquenessKey and adds receipt.size to bytesAccepted.
 */
export function validateReceipt(args: ReceiptValidationArgs): ReceiptValidationResult {
  const { receipt: signed, ticket: signedTicket, pool, epochParams, nowMs, context, verifier } = args;
  const errors: ReceiptValidationError[] = [];
  const fail = (code: ReceiptValidationCode, message: string, field?: string, cause?: unknown) =>
    errors.push(
      new ProtocolError(code, message, { ...(field ? { field } : {}), ...(cause !== undefined ? { cause } : {}) }),
    );

  // Structure: both messages must encode, both signatures must be hex of a valid length.
  const r = signed?.receipt;
  const t = signedTicket?.ticket;
  try {
    if (!r) throw new ProtocolError("INVALID_ARGUMENT", "receipt is missing", { field: "receipt" });
    encodeChunkReceipt(r);
  } catch (cause) {
    fail("RECEIPT_MALFORMED", `Receipt is malformed: ${errorText(cause)}`, `receipt.${fieldOf(cause)}`, cause);
  }
  try {
    if (!t) throw new ProtocolError("INVALID_ARGUMENT", "ticket is missing", { field: "ticket" });
    encodeViewerTicket(t);
  } catch (cause) {
    fail("RECEIPT_MALFORMED", `Ticket is malformed: ${errorText(cause)}`, `ticket.${fieldOf(cause)}`, cause);
  }
  if (r && !isHexOfLength(signed.signature, 65) && !isHexOfLength(signed.signature, 64))
    fail("RECEIPT_MALFORMED", "Receipt signature must be 0x-hex of 65 or 64 bytes.", "receipt.signature");
  if (t && !isHexOfLength(signedTicket.signature, 65) && !isHexOfLength(signedTicket.signature, 64))
    fail("RECEIPT_MALFORMED", "Ticket signature must be 0x-hex of 65 or 64 bytes.", "ticket.signature");
  if (errors.length > 0 || !r || !t) return { ok: false, errors };
  assertEpochParams(epochParams);

  const ticketHash = bytesToHex(verifier.ticketHash(t));
  const receiptIdBytes = verifier.receiptDigest(r);
  const receiptId = bytesToHex(receiptIdBytes);
  const uniquenessKey = getUniquenessKey(r);

  if (!pool) fail("POOL_UNKNOWN", `Pool ${r.poolId} does not exist.`, "receipt.poolId");
  else if (!sameAddress(pool.poolId, r.poolId))
    fail("POOL_UNKNOWN", `The pool given is ${pool.poolId}, not the receipt's pool ${r.poolId}.`, "receipt.poolId");
  else if (!pool.active) fail("POOL_UNKNOWN", `Pool ${r.poolId} is not active.`, "receipt.poolId");
  if (!sameAddress(r.poolId, t.poolId))
    fail(
      "RECEIPT_POOL_MISMATCH",
      `Receipt is for pool ${r.poolId} but its ticket is for pool ${t.poolId}.`,
      "receipt.poolId",
    );
  if (!sameAddress(r.ticketHash, ticketHash))
    fail(
      "RECEIPT_TICKET_MISMATCH",
      `Receipt names ticket ${r.ticketHash} but the ticket given hashes to ${ticketHash}.`,
      "receipt.ticketHash",
    );

  try {
    const signer = verifier.ticketSigner(t, signedTicket.signature);
    if (pool && !sameAddress(signer, pool.ticketSigner))
      fail(
        "TICKET_BAD_SIGNER",
        `Ticket is signed by ${signer}, not by the pool's ticketSigner ${pool.ticketSigner}.`,
        "ticket.signature",
      );
  } catch (cause) {
    if (!(cause instanceof ProtocolError)) throw cause;
    fail("TICKET_BAD_SIGNER", `Ticket signature is invalid: ${cause.shortMessage}`, "ticket.signature", cause);
  }

  try {
    if (!verifier.isSigner(receiptIdBytes, signed.signature, t.viewer))
      fail(
        "RECEIPT_SIGNER_NOT_VIEWER",
        `Receipt is not signed by the ticket's viewer ${t.viewer}.`,
        "receipt.signature",
      );
  } catch (cause) {
    if (!(cause instanceof ProtocolError)) throw cause;
    fail("RECEIPT_BAD_SIGNATURE", `Receipt signature is invalid: ${cause.shortMessage}`, "receipt.signature", cause);
  }

  if (r.deliveredAt < t.notBefore || r.deliveredAt > t.notAfter)
    fail(
      "RECEIPT_OUTSIDE_TICKET_WINDOW",
      `deliveredAt ${r.deliveredAt} is outside the ticket's window [${t.notBefore}, ${t.notAfter}] (unix ms).`,
      "receipt.deliveredAt",
    );
  if (context.bytesAccepted + BigInt(r.size) > t.maxBytes)
    fail(
      "RECEIPT_OVER_MAX_BYTES",
      `Accepting ${r.size} more bytes would bring the ticket to ${context.bytesAccepted + BigInt(r.size)}, over its ` +
        `maxBytes ${t.maxBytes}.`,
      "receipt.size",
    );
  if (context.seen.has(uniquenessKey))
    fail(
      "RECEIPT_DUPLICATE",
      `Chunk ${r.chunk} of segment ${r.segment} was already receipted under this ticket.`,
      "receipt.chunk",
    );

  let epoch: bigint | undefined;
  if (r.deliveredAt < epochParams.genesisTime * 1000n) {
    fail("EPOCH_CLOSED", `deliveredAt ${r.deliveredAt} is before genesis; no epoch accepts it.`, "receipt.deliveredAt");
  } else {
    epoch = getEpoch(epochParams, r.deliveredAt);
    if (!isEpochOpen(epochParams, epoch, nowMs))
      fail("EPOCH_CLOSED", `Epoch ${epoch} is closed: receipts for it are no longer accepted.`, "receipt.deliveredAt");
  }

  if (errors.length === 0) return { ok: true, errors: [], receiptId, ticketHash, epoch: epoch!, uniquenessKey };
  return { ok: false, errors, receiptId, ticketHash, uniquenessKey, ...(epoch === undefined ? {} : { epoch }) };
}

function errorText(err: unknown): string {
  return err instanceof ProtocolError ? err.shortMessage : err instanceof Error ? err.message : String(err);
}

function fieldOf(err: unknown): string {
  return err instanceof ProtocolError && err.field ? err.field : "(value)";
}
