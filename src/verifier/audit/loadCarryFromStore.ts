import type { TicketCarry } from "../../protocol/audit/types.ts";
import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import { getEpoch } from "../../protocol/epoch/getEpoch.ts";
import type { EpochParams, SignedViewerTicket } from "../../protocol/types.ts";
import type { PostedEpoch } from "../chain/types.ts";
import type { VerifierStore } from "../store/openVerifierStore.ts";

/**
 * What earlier epochs credited to `tickets`, from the ticket_usage the service recorded when it audited them: for
 * each earlier epoch only the post `post` was built on (the latest post of that epoch before it). Epochs since the
 * earliest ticket's notBefore whose post was never audited with its bundle in hand are listed as missing.
 */
export function loadCarryFromStore(args: {
  store: VerifierStore;
  post: PostedEpoch;
  tickets: readonly SignedViewerTicket[];
  epochParams: EpochParams;
  verifier: ReceiptVerifier;
}): TicketCarry {
  const { sqlite } = args.store;
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
  const basis = sqlite
    .prepare(
      `SELECT p.id, p.epoch FROM posts p
       WHERE p.epoch >= ? AND p.epoch < ? AND (p.block_number < ? OR (p.block_number = ? AND p.log_index < ?))
         AND NOT EXISTS (SELECT 1 FROM posts q WHERE q.epoch = p.epoch
           AND (q.block_number > p.block_number OR (q.block_number = p.block_number AND q.log_index > p.log_index))
           AND (q.block_number < ? OR (q.block_number = ? AND q.log_index < ?)))`,
    )
    .all(
      Number(first),
      Number(args.post.epoch),
      Number(args.post.blockNumber),
      Number(args.post.blockNumber),
      args.post.logIndex,
      Number(args.post.blockNumber),
      Number(args.post.blockNumber),
      args.post.logIndex,
    ) as { id: string; epoch: number }[];
  const audited = new Set(
    (
      sqlite
        .prepare("SELECT post_id FROM audits WHERE status IN ('ok', 'faulty') AND recomputed_root IS NOT NULL")
        .all() as { post_id: string }[]
    ).map((r) => r.post_id),
  );
  const byEpoch = new Map(basis.map((b) => [b.epoch, b.id]));
  for (let e = Number(first); e < Number(args.post.epoch); e++) {
    const id = byEpoch.get(e);
    if (!id || !audited.has(id)) carry.missingEpochs.push(BigInt(e));
  }
  const select = sqlite.prepare("SELECT bytes, keys FROM ticket_usage WHERE post_id = ? AND ticket_hash = ?");
  for (const { id } of basis) {
    for (const h of hashes) {
      const row = select.get(id, h) as { bytes: string; keys: string } | undefined;
      if (!row) continue;
      carry.bytes.set(h, (carry.bytes.get(h) ?? 0n) + BigInt(row.bytes));
      for (const k of JSON.parse(row.keys) as string[]) carry.seen.add(k);
    }
  }
  return carry;
}
