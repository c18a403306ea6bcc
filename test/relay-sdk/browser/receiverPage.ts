// Page script for receiverBrowser.test.ts: bundled for the browser and run in headless Chromium. It only
// defines functions (importing it in Node does nothing).
import type { Address, Hex } from "../../../src/protocol/types.ts";
import type { SignedViewerTicketJson } from "../../../src/protocol/wire/jsonTypes.ts";
import { signedViewerTicketFromJson } from "../../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { RelaySdkError } from "../../../src/relay-sdk/errors/RelaySdkError.ts";
import { createReceiver } from "../../../src/relay-sdk/receiver/createReceiver.ts";
import {
  createViewerSessionKey,
  type ViewerSessionKey,
} from "../../../src/relay-sdk/receiver/createViewerSessionKey.ts";

let session: ViewerSessionKey | undefined;

/** Step 1: the player creates its session key; only the address leaves the page (for the ticket issuer). */
export function startSession(): { address: Address } {
  session = createViewerSessionKey();
  return { address: session.address };
}

/** Step 2: with the issued ticket, sign a receipt for a chunk of random bytes generated in the page. */
export function signRandomChunk(args: {
  domain: { chainId: number; verifyingContract: Address };
  ticket: SignedViewerTicketJson;
  relay: Address;
  segment: number;
  chunk: number;
  size: number;
  nowMs: number;
  corruptBeforeCheck?: boolean;
}) {
  if (!session) throw new Error("no session");
  const receiver = createReceiver({
    domain: args.domain,
    ticket: signedViewerTicketFromJson(args.ticket),
    sessionKey: session,
    now: () => args.nowMs,
  });
  const bytes = crypto.getRandomValues(new Uint8Array(args.size));
  const hex = `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}` as Hex;
  const out = receiver.signChunk({ bytes, relay: args.relay, segment: args.segment, chunk: args.chunk });
  let mismatchCode: string | null = null;
  try {
    const other = bytes.slice();
    other[0]! ^= 0xff;
    receiver.signChunk({
      bytes: other,
      relay: args.relay,
      segment: args.segment,
      chunk: args.chunk,
      expectedChunkHash: out.chunkHash,
    });
  } catch (err) {
    mismatchCode = err instanceof RelaySdkError ? err.code : String(err);
  }
  return {
    receipt: out.json,
    receiptId: out.receiptId,
    chunkHash: out.chunkHash,
    bytes: hex,
    mismatchCode,
    userAgent: navigator.userAgent,
  };
}
