import { getReceiptId } from "../../protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../protocol/eip712/hashViewerTicket.ts";
import { keccak256 } from "../../protocol/hash/keccak256.ts";
import { signDigest } from "../../protocol/signature/signDigest.ts";
import type {
  Address,
  ChunkReceipt,
  Hex,
  Keccak256,
  MeshpayDomain,
  SignedChunkReceipt,
  SignedViewerTicket,
} from "../../protocol/types.ts";
import { bytesToHex, isHexOfLength } from "../../protocol/utils/bytes.ts";
import type { SignedChunkReceiptJson } from "../../protocol/wire/jsonTypes.ts";
import { signedChunkReceiptToJson } from "../../protocol/wire/signedChunkReceiptToJson.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import type { ViewerSessionKey } from "./createViewerSessionKey.ts";
import { getSessionKeyAddress } from "./getSessionKeyAddress.ts";

export type CreateChunkReceiptArgs = {
  /** The chunk's bytes as received from the relay. */
  bytes: Uint8Array;
  /** Payout account of the relay that delivered the chunk. */
  relay: Address;
  /** uint64 segment number. */
  segment: bigint | number;
  /** uint32 chunk number within the segment. */
  chunk: number;
  /** The viewer's ticket, signed by the pool's ticketSigner. */
  ticket: SignedViewerTicket;
  /**
   * The viewer's session key: a ViewerSessionKey (its `address` is trusted, as createViewerSessionKey
   * returns it) or a bare 0x secret key (its address is derived on every call).
   */
  sessionKey: Pick<ViewerSessionKey, "privateKey" | "address"> | Hex;
  domain: MeshpayDomain;
  /** When the chunk's hash is known (e.g. from the broadcaster's segment manifest), the bytes must hash to it. */
  expectedChunkHash?: Hex;
  /** Clock in unix milliseconds; default Date.now. Becomes `deliveredAt`. */
  now?: () => number;
  /** keccak-256; default pure-JS @noble/hashes (createFastKeccak256 is faster on large chunks). */
  keccak?: Keccak256;
  /** Signature encoding, 65 bytes (default) or EIP-2098 64 bytes. */
  form?: "65" | "64";
  /** The ticket's struct hash when already known (saves one hash per chunk). */
  ticketHash?: Hex;
};

export type ChunkReceiptResult = {
  /** The signed receipt. */
  signed: SignedChunkReceipt;
  /** Its JSON wire form (what the player sends to the relay). */
  json: SignedChunkReceiptJson;
  /** EIP-712 digest of the receipt (the aggregator's identifier for it). */
  receiptId: Hex;
  /** keccak256 of the chunk bytes. */
  chunkHash: Hex;
};

const MAX_UINT32 = 0xffff_ffff;
const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * Signs the ChunkReceipt for one delivered chunk: hashes the bytes (keccak256), checks them against
 * `expectedChunkHash` when given (CHUNK_HASH_MISMATCH), stamps `deliveredAt = now()` and signs with the
 * viewer's session key. Refuses keys that are not the ticket's viewer (SESSION_KEY_MISMATCH) and times
 * outside the ticket window (TICKET_OUTSIDE_WINDOW), since the aggregator would refuse those receipts.
 * Browser-safe: pure JS (@noble), no Node built-ins.
 */
export function createChunkReceipt(args: CreateChunkReceiptArgs): ChunkReceiptResult {
  const keccak = args.keccak ?? keccak256;
  if (!(args.bytes instanceof Uint8Array)) throw new RelaySdkError("INVALID_ARGUMENT", "bytes must be a Uint8Array.");
  if (args.bytes.length > MAX_UINT32)
    throw new RelaySdkError("INVALID_ARGUMENT", "A chunk cannot be larger than 2^32 − 1 bytes.");
  const segment =
    typeof args.segment === "number" && Number.isSafeInteger(args.segment) ? BigInt(args.segment) : args.segment;
  if (typeof segment !== "bigint" || segment < 0n || segment > MAX_UINT64)
    throw new RelaySdkError("INVALID_ARGUMENT", "segment must be an integer in uint64 range.");
  if (!Number.isInteger(args.chunk) || args.chunk < 0 || args.chunk > MAX_UINT32)
    throw new RelaySdkError("INVALID_ARGUMENT", "chunk must be an integer in uint32 range.");
  if (!isHexOfLength(args.relay, 20))
    throw new RelaySdkError("INVALID_ARGUMENT", "relay must be a 20-byte 0x address.");

  const { ticket } = args.ticket;
  const privateKey = typeof args.sessionKey === "string" ? args.sessionKey : args.sessionKey.privateKey;
  const address = typeof args.sessionKey === "string" ? getSessionKeyAddress(args.sessionKey) : args.sessionKey.address;
  if (address.toLowerCase() !== ticket.viewer.toLowerCase())
    throw new RelaySdkError(
      "SESSION_KEY_MISMATCH",
      `The session key belongs to ${address.toLowerCase()}, but the ticket's viewer is ${ticket.viewer.toLowerCase()}.`,
    );

  const chunkHash = bytesToHex(keccak(args.bytes));
  if (args.expectedChunkHash !== undefined) {
    if (!isHexOfLength(args.expectedChunkHash, 32))
      throw new RelaySdkError("INVALID_ARGUMENT", "expectedChunkHash must be 32 bytes of 0x-hex.");
    if (args.expectedChunkHash.toLowerCase() !== chunkHash)
      throw new RelaySdkError(
        "CHUNK_HASH_MISMATCH",
        `Chunk ${segment}/${args.chunk} hashes to ${chunkHash}, not the expected ` +
          `${args.expectedChunkHash.toLowerCase()}.`,
      );
  }

  const nowMs = (args.now ?? Date.now)();
  if (!Number.isFinite(nowMs) || nowMs < 0)
    throw new RelaySdkError("INVALID_ARGUMENT", "now() must return unix milliseconds.");
  const deliveredAt = BigInt(Math.floor(nowMs));
  if (deliveredAt < ticket.notBefore || deliveredAt > ticket.notAfter)
    throw new RelaySdkError(
      "TICKET_OUTSIDE_WINDOW",
      `It is ${deliveredAt} ms, outside the ticket's window [${ticket.notBefore}, ${ticket.notAfter}]: get a new ` +
        `ticket.`,
    );

  const receipt: ChunkReceipt = {
    poolId: ticket.poolId.toLowerCase() as Hex,
    ticketHash: args.ticketHash ?? hashViewerTicket(ticket, keccak),
    relay: args.relay.toLowerCase() as Address,
    segment,
    chunk: args.chunk,
    chunkHash,
    size: args.bytes.length,
    deliveredAt,
  };
  const receiptId = getReceiptId(receipt, args.domain, keccak);
  const signed: SignedChunkReceipt = { receipt, signature: signDigest(receiptId, privateKey, args.form ?? "65") };
  return { signed, json: signedChunkReceiptToJson(signed), receiptId, chunkHash };
}
