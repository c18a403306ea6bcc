import type { TicketCarry } from "../../protocol/audit/types.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import { getEpoch } from "../../protocol/epoch/getEpoch.ts";
import type { EpochParams, SignedViewerTicket } from "../../protocol/types.ts";
import type { PostedEpoch } from "../chain/types.ts";
import { createAuditStore } from "../storage/createAuditStore.ts";
import { createPostStore } from "../storage/createPostStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";

/**
 * What earlier epochs credited to `tickets`, from the ticket_usage the service recorded when it audited them: for
 * each earlier epoch only the post `post` was built on (the latest post of that epoch before it). Epochs since the
 * earliest ticket's notBefore whose post was never audited with its bundle in hand are listed as missing.
 */
export async function loadCarryFromStore(args: {
  store: VerifierStore;
  post: PostedEpoch;
  tickets: readonly SignedViewerTicket[];
  epochParams: EpochParams;
  verifier: ReceiptVerifier;
}): Promise<TicketCarry> {
  const audits = createAuditStore(args.store);
  const posts = createPostStore(args.store);
  const carry: TicketCarry = { seen: new Set(), bytes: new Map(), missingEpochs: [] };
  if (args.tickets.length === 0 || args.post.epoch === 0n) return carry;
  const hashes = args.tickets.map((t) => `0x${Buffer.from(args.verifier.ticketHash(t.ticket)).toString("hex")}`);
  const genesisMs = args.epochParams.genesisTime * 1000n;
  let first = args.post.epoch;
  for (const t of args.tickets) {
    const e = t.ticket.notBefore < genesisMs ? 0n : getEpoch(args.epochParams, t.ticket.notBefore);
    if (e < first) first = e;
  }
  // The post each earlier epoch had when `post` was made.
  const basis = await posts.listBasisPosts(first, args.post);
  const audited = new Set(await audits.listRecomputedPostIds());
  const byEpoch = new Map(basis.map((b) => [b.epoch, b.id]));
  for (let e = Number(first); e < Number(args.post.epoch); e++) {
    const id = byEpoch.get(e);
    if (!id || !audited.has(id)) carry.missingEpochs.push(BigInt(e));
  }
  for (const { id } of basis) {
    for (const [h, usage] of await audits.listTicketUsage(id, hashes)) {
      carry.bytes.set(h, (carry.bytes.get(h) ?? 0n) + usage.bytes);
      for (const k of usage.keys) carry.seen.add(k);
    }
  }
  return carry;
}
