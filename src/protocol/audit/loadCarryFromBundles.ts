import type { Bundle } from "../bundle/types.ts";
import type { ReceiptVerifier } from "../createReceiptVerifier.ts";
import { getEpoch } from "../epoch/getEpoch.ts";
import type { EpochParams, SignedViewerTicket } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { getUniquenessKey } from "../validation/getUniquenessKey.ts";
import type { TicketCarry } from "./types.ts";

/**
 * What earlier epochs' bundles credited to `tickets`, read from the bundles themselves (no stored state): every
 * epoch from the earliest ticket's notBefore up to `epoch - 1`. An arbiter's independent path; the service keeps the
 * same figures in its store (loadCarryFromStore). Bundles that cannot be loaded are listed as missing.
 */
export async function loadCarryFromBundles(args: {
  epoch: bigint;
  tickets: readonly SignedViewerTicket[];
  epochParams: EpochParams;
  verifier: ReceiptVerifier;
  loadBundle: (epoch: bigint) => Promise<Bundle | undefined>;
}): Promise<TicketCarry> {
  const carry: TicketCarry = { seen: new Set(), bytes: new Map(), missingEpochs: [] };
  if (args.tickets.length === 0 || args.epoch === 0n) return carry;
  const hashes = new Set<string>(args.tickets.map((t) => bytesToHex(args.verifier.ticketHash(t.ticket))));
  const genesisMs = args.epochParams.genesisTime * 1000n;
  let first = args.epoch;
  for (const t of args.tickets) {
    const e = t.ticket.notBefore < genesisMs ? 0n : getEpoch(args.epochParams, t.ticket.notBefore);
    if (e < first) first = e;
  }
  for (let e = first; e < args.epoch; e++) {
    const bundle = await args.loadBundle(e).catch(() => undefined);
    if (!bundle) {
      carry.missingEpochs.push(e);
      continue;
    }
    for (const r of bundle.receipts) {
      const h = r.signed.receipt.ticketHash.toLowerCase();
      if (!hashes.has(h)) continue;
      carry.seen.add(getUniquenessKey(r.signed.receipt));
      carry.bytes.set(h, (carry.bytes.get(h) ?? 0n) + BigInt(r.signed.receipt.size));
    }
  }
  return carry;
}
