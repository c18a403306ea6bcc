import { getEpoch } from "../epoch/getEpoch.ts";
import { recoverChunkReceiptSigner } from "../messages/recoverChunkReceiptSigner.ts";
import { recoverViewerTicketSigner } from "../messages/recoverViewerTicketSigner.ts";
import { sameAddress } from "../utils/bytes.ts";
import { buildAmountProof } from "./buildAmountProof.ts";
import { buildBadSignatureProof } from "./buildBadSignatureProof.ts";
import { buildBadTicketProof } from "./buildBadTicketProof.ts";
import { buildCumulativeProof } from "./buildCumulativeProof.ts";
import { buildDuplicateProof } from "./buildDuplicateProof.ts";
import { buildMaxBytesProof } from "./buildMaxBytesProof.ts";
import { buildPoolTotalProof } from "./buildPoolTotalProof.ts";
import { buildRelayTotalProof } from "./buildRelayTotalProof.ts";
import { compareHex } from "./compareHex.ts";
import type { FraudEpoch, FraudFacts, ProvableFault } from "./types.ts";

const HALF = (1n << 128n) - 1n;

/**
 * Every fault of a post that one transaction proves, each with its kind and proof object, in the order of the
 * checks (receipts, then leaves, then pools, then tickets). `claimed` is the post as committed (buildFraudEpoch of
 * its bundle and calldata); the honest recomputation is done here from `facts` (signatures recovered with
 * `facts.domain`, the chain's price and ticket signer, the epoch parameters, and the earlier posts in
 * `facts.earlier` for duplicates, cumulative amounts and ticket bytes). An honest post yields []. A receipt whose
 * data does not match its node's receiptId or signatureHash is a bundle that does not match its commitment (the
 * arbiter's case) and is skipped, as are faults the proofs cannot open (docs/fraud-proofs.md, "Library (built)").
 */
export function findProvableFaults(claimed: FraudEpoch, facts: FraudFacts): ProvableFault[] {
  const faults: ProvableFault[] = [];
  const e = claimed.epoch;
  const add = (f: ProvableFault) => faults.push(f);
  const previous = facts.earlier.find((x) => x.epoch === e - 1n);
  const lower = (s: string) => s.toLowerCase();
  const ticketIndex = new Map(claimed.tickets.map((t, i) => [lower(t.ticketHash), i]));
  const poolIndex = new Map(claimed.pools.map((p, i) => [lower(p.poolId), i]));

  // Receipts: signature, ticket, duplicates (this epoch and earlier ones), presence in the ticket's tree.
  const seen = new Map<string, { epoch: FraudEpoch; claim: number; receipt: number }>();
  for (const other of [...facts.earlier].sort((a, b) => (a.epoch < b.epoch ? -1 : 1)))
    other.claims.forEach((c, ci) =>
      c.receipts.forEach((r, ri) => {
        const k = `${lower(r.node.ticketHash)}:${r.node.segment}:${r.node.chunk}`;
        if (!seen.has(k)) seen.set(k, { epoch: other, claim: ci, receipt: ri });
      }),
    );
  claimed.claims.forEach((c, ci) => {
    c.receipts.forEach((r, ri) => {
      const at = { claim: ci, receipt: ri };
      const { node, receipt, ticket } = r;
      const nodeDiffers =
        lower(node.ticketHash) !== lower(receipt.ticketHash) ||
        node.segment !== receipt.segment ||
        node.chunk !== receipt.chunk ||
        node.size !== receipt.size ||
        node.deliveredAt !== receipt.deliveredAt;
      let viewerSigned = false;
      try {
        viewerSigned = sameAddress(
          recoverChunkReceiptSigner({ receipt, signature: r.signature }, facts.domain),
          ticket.viewer,
        );
      } catch {}
      if (nodeDiffers || !viewerSigned) {
        add({
          kind: "badSignature",
          epoch: e,
          message: nodeDiffers
            ? `Receipt ${node.receiptId}'s node differs from the signed receipt.`
            : `Receipt ${node.receiptId} is not signed by its ticket's viewer.`,
          proof: buildBadSignatureProof(claimed, at),
        });
        return;
      }
      let signer: string | undefined;
      try {
        signer = recoverViewerTicketSigner({ ticket, signature: r.ticketSignature }, facts.domain);
      } catch {}
      let epochOf: bigint | undefined;
      try {
        epochOf = getEpoch(facts.epochParams, receipt.deliveredAt);
      } catch {}
      const badTicket =
        signer === undefined ||
        !sameAddress(signer, facts.ticketSignerAt(receipt.poolId, receipt.deliveredAt / 1000n)) ||
        receipt.deliveredAt < ticket.notBefore ||
        receipt.deliveredAt > ticket.notAfter ||
        epochOf !== e ||
        lower(receipt.poolId) !== lower(c.leaf.poolId) ||
        lower(ticket.poolId) !== lower(c.leaf.poolId) ||
        !sameAddress(receipt.relay, c.leaf.account);
      if (badTicket && ticketIndex.has(lower(node.ticketHash))) {
        add({
          kind: "badTicket",
          epoch: e,
          message: `Receipt ${node.receiptId}'s ticket does not allow it (signer, window, epoch, pool or relay).`,
          proof: buildBadTicketProof(claimed, at),
        });
        return;
      }
      const k = `${lower(node.ticketHash)}:${node.segment}:${node.chunk}`;
      const first = seen.get(k);
      if (first) {
        add({
          kind: "duplicate",
          epoch: e,
          message: `Receipt ${node.receiptId} repeats (ticketHash, segment, chunk) credited in epoch ${first.epoch.epoch}.`,
          proof: buildDuplicateProof(claimed, { mode: 0, first: at, otherEpoch: first.epoch, second: first }),
        });
        return;
      }
      seen.set(k, { epoch: claimed, claim: ci, receipt: ri });
      const t = ticketIndex.get(lower(node.ticketHash));
      const inTicket =
        t !== undefined &&
        claimed.tickets[t]!.receipts.some(
          (x) =>
            x.segment === node.segment &&
            x.chunk === node.chunk &&
            sameAddress(x.relay, c.leaf.account) &&
            lower(x.receiptId) === lower(node.receiptId),
        );
      if (!inTicket)
        add({
          kind: "maxBytes",
          epoch: e,
          message: `Receipt ${node.receiptId} is credited to a relay but not in its ticket's receipts tree.`,
          proof: buildMaxBytesProof(claimed, { mode: 6, credited: at }),
        });
    });
  });

  // Claim leaves: relay totals, amounts, cumulative amounts, presence in the accounting trees.
  claimed.claims.forEach((c, ci) => {
    const { leaf, commitment: k } = c;
    const tree = claimed.relayTrees[ci]!;
    if (tree.length > 0 && pathShows(tree.length, tree.rootSum, k.receiptCount, k.epochBytes))
      add({
        kind: "relayTotal",
        epoch: e,
        message: `Leaf ${leaf.account}/${leaf.poolId}: its receipts sum to ${tree.rootSum} bytes in ${tree.length}, it claims ${k.epochBytes} in ${k.receiptCount}.`,
        proof: buildRelayTotalProof(claimed, ci, tree.length - 1),
      });
    const p = poolIndex.get(lower(leaf.poolId));
    if (p !== undefined) {
      const pool = claimed.pools[p]!;
      const base = (k.epochBytes * facts.priceAt(leaf.poolId)) / 1_000_000_000n;
      const scaled =
        pool.uncappedTotal <= pool.scaleBalance
          ? k.baseAmount
          : (k.baseAmount * pool.scaleBalance) / pool.uncappedTotal;
      if (k.baseAmount !== base || k.epochAmount !== scaled || k.bonusAmount !== 0n)
        add({
          kind: "amount",
          epoch: e,
          message: `Leaf ${leaf.account}/${leaf.poolId}: amounts (${k.baseAmount}, ${k.epochAmount}, ${k.bonusAmount}) do not follow (${base}, ${scaled}, 0).`,
          proof: buildAmountProof(claimed, ci),
        });
    }
    if (leaf.cumulativeAmount !== k.prevCumulative + k.epochAmount + k.bonusAmount)
      add({
        kind: "cumulative",
        epoch: e,
        message: `Leaf ${leaf.account}/${leaf.poolId}: cumulativeAmount is not prevCumulative + epochAmount + bonusAmount.`,
        proof: buildCumulativeProof(claimed, { mode: 1, claim: ci }),
      });
    if (previous) {
      const pi = previous.claims.findIndex(
        (x) => sameAddress(x.leaf.account, leaf.account) && lower(x.leaf.poolId) === lower(leaf.poolId),
      );
      if (pi >= 0 && previous.claims[pi]!.leaf.cumulativeAmount !== k.prevCumulative)
        add({
          kind: "cumulative",
          epoch: e,
          message: `Leaf ${leaf.account}/${leaf.poolId}: prevCumulative ${k.prevCumulative} is not epoch ${e - 1n}'s ${previous.claims[pi]!.leaf.cumulativeAmount}.`,
          proof: buildCumulativeProof(claimed, { mode: 0, claim: ci, previous, previousClaim: pi }),
        });
      else if (pi < 0 && k.prevCumulative !== 0n)
        add({
          kind: "cumulative",
          epoch: e,
          message: `Leaf ${leaf.account}/${leaf.poolId}: prevCumulative ${k.prevCumulative} without a leaf in epoch ${e - 1n}.`,
          proof: buildCumulativeProof(claimed, { mode: 3, claim: ci, previous }),
        });
    }
    const account =
      p === undefined ? undefined : claimed.pools[p]!.accounts.find((a) => sameAddress(a.account, leaf.account));
    if (
      !account ||
      account.cumulativeAmount !== leaf.cumulativeAmount ||
      lower(account.epochCommitment) !== lower(leaf.epochCommitment)
    )
      add({
        kind: "cumulative",
        epoch: e,
        message: `Leaf ${leaf.account}/${leaf.poolId} is not in its pool's accounts tree as in the claim tree.`,
        proof: buildCumulativeProof(claimed, { mode: 4, claim: ci }),
      });
  });
  if (previous)
    previous.claims.forEach((c, pi) => {
      const kept = claimed.claims.some(
        (x) => sameAddress(x.leaf.account, c.leaf.account) && lower(x.leaf.poolId) === lower(c.leaf.poolId),
      );
      const p = poolIndex.get(lower(c.leaf.poolId));
      const inAccounts =
        p !== undefined && claimed.pools[p]!.accounts.some((a) => sameAddress(a.account, c.leaf.account));
      if (!kept && !inAccounts)
        add({
          kind: "cumulative",
          epoch: e,
          message: `Account ${c.leaf.account} earned from pool ${c.leaf.poolId} in epoch ${e - 1n} and has no leaf in epoch ${e}.`,
          proof: buildCumulativeProof(claimed, { mode: 2, previous, previousClaim: pi }),
        });
    });

  // Pools: order, sums, the posted totals.
  claimed.pools.forEach((pool, pi) => {
    if (pi > 0 && compareHex(claimed.pools[pi - 1]!.poolId, pool.poolId) >= 0)
      add({
        kind: "poolTotal",
        epoch: e,
        message: `Pools ${pi - 1} and ${pi} are out of poolId order.`,
        proof: buildPoolTotalProof(claimed, { mode: 4, pool: pi - 1, other: pi }),
      });
    pool.accounts.forEach((a, ai) => {
      if (ai > 0 && compareHex(pool.accounts[ai - 1]!.account, a.account) >= 0)
        add({
          kind: "poolTotal",
          epoch: e,
          message: `Accounts ${ai - 1} and ${ai} of pool ${pool.poolId} are out of order.`,
          proof: buildPoolTotalProof(claimed, { mode: 5, pool: pi, account: ai - 1, other: ai }),
        });
    });
    const tree = claimed.accountsTrees[pi]!;
    // One opened account (with its claim leaf's preimage) carries the root sum and depth, and its own value.
    // The last one: past leafCount when the tree has more leaves than it claims.
    const opened = pool.accounts.findLastIndex((a) =>
      claimed.claims.some((c) => lower(c.leaf.epochCommitment) === lower(a.epochCommitment)),
    );
    const claimOf = (i: number) =>
      claimed.claims.find((c) => lower(c.leaf.epochCommitment) === lower(pool.accounts[i]!.epochCommitment))!;
    const badValue = pool.accounts.findIndex((a, i) => {
      const c = claimed.claims.find((x) => lower(x.leaf.epochCommitment) === lower(a.epochCommitment));
      if (!c) return false;
      const k = c.commitment;
      return a.value !== ((k.baseAmount << 128n) | (k.epochAmount + k.bonusAmount)) && i >= 0;
    });
    const sumsDiffer =
      pool.total > HALF ||
      pool.uncappedTotal > HALF ||
      pathShows(tree.length, tree.rootSum, pool.leafCount, (pool.uncappedTotal << 128n) | pool.total);
    const at = badValue >= 0 ? badValue : sumsDiffer ? opened : -1;
    if (at >= 0)
      add({
        kind: "poolTotal",
        epoch: e,
        message: `Pool ${pool.poolId}: its accounts tree does not bear out (uncappedTotal, total, leafCount).`,
        proof: buildPoolTotalProof(claimed, { mode: 0, pool: pi, account: at, commitment: claimOf(at).commitment }),
      });
    const posted = claimed.posted.find((x) => lower(x.poolId) === lower(pool.poolId));
    const mustPost = pool.uncappedTotal > 0n || pool.total > 0n;
    if (
      (posted === undefined && mustPost) ||
      (posted !== undefined &&
        (posted.total !== pool.total ||
          posted.uncappedTotal !== pool.uncappedTotal ||
          posted.scaleBalance !== pool.scaleBalance))
    )
      add({
        kind: "poolTotal",
        epoch: e,
        message: `Pool ${pool.poolId}: the pools tree disagrees with the posted totals.`,
        proof: buildPoolTotalProof(claimed, { mode: 2, pool: pi }),
      });
  });
  claimed.posted.forEach((p, i) => {
    if (!poolIndex.has(lower(p.poolId)))
      add({
        kind: "poolTotal",
        epoch: e,
        message: `Posted pool ${p.poolId} has no pools-tree leaf.`,
        proof: buildPoolTotalProof(claimed, { mode: 3, postedIndex: i }),
      });
  });

  // Tickets: order of receipts, sums, maxBytes, bytesBefore and prevEpoch against the earlier epochs.
  const ticketFor = new Map<string, (typeof claimed.claims)[number]["receipts"][number]["ticket"]>();
  for (const c of claimed.claims) for (const r of c.receipts) ticketFor.set(lower(r.node.ticketHash), r.ticket);
  claimed.tickets.forEach((t, ti) => {
    t.receipts.forEach((r, ri) => {
      const before = t.receipts[ri - 1];
      if (before && (before.segment > r.segment || (before.segment === r.segment && before.chunk >= r.chunk)))
        add({
          kind: "duplicate",
          epoch: e,
          message: `Ticket ${t.ticketHash}: receipts ${ri - 1} and ${ri} repeat or break (segment, chunk) order.`,
          proof: buildDuplicateProof(claimed, { mode: 1, ticket: ti, first: ri - 1, second: ri }),
        });
    });
    const tree = claimed.ticketReceiptsTrees[ti]!;
    if (tree.length > 0 && pathShows(tree.length, tree.rootSum, t.count, t.bytesIn))
      add({
        kind: "maxBytes",
        epoch: e,
        message: `Ticket ${t.ticketHash}: its receipts sum to ${tree.rootSum} bytes in ${tree.length}, it claims ${t.bytesIn} in ${t.count}.`,
        proof: buildMaxBytesProof(claimed, { mode: 4, ticket: ti, receipt: tree.length - 1 }),
      });
    const viewerTicket = ticketFor.get(lower(t.ticketHash));
    if (viewerTicket && t.bytesBefore + t.bytesIn > viewerTicket.maxBytes)
      add({
        kind: "maxBytes",
        epoch: e,
        message: `Ticket ${t.ticketHash}: ${t.bytesBefore} + ${t.bytesIn} bytes exceed its maxBytes ${viewerTicket.maxBytes}.`,
        proof: buildMaxBytesProof(claimed, { mode: 0, ticket: ti, viewerTicket }),
      });
    const holding = facts.earlier
      .map((other) => ({ other, i: other.tickets.findIndex((x) => lower(x.ticketHash) === lower(t.ticketHash)) }))
      .filter((x) => x.i >= 0 && x.other.epoch < e)
      .sort((a, b) => (a.other.epoch > b.other.epoch ? -1 : 1));
    const latest = holding[0];
    if (t.prevEpoch > e || (t.prevEpoch === e && t.bytesBefore !== 0n))
      add({
        kind: "maxBytes",
        epoch: e,
        message: `Ticket ${t.ticketHash}: prevEpoch ${t.prevEpoch} with bytesBefore ${t.bytesBefore}.`,
        proof: buildMaxBytesProof(claimed, { mode: 1, ticket: ti }),
      });
    else if (latest && (t.prevEpoch === e || t.prevEpoch < latest.other.epoch))
      add({
        kind: "maxBytes",
        epoch: e,
        message: `Ticket ${t.ticketHash}: epoch ${latest.other.epoch} has it, after its prevEpoch ${t.prevEpoch}.`,
        proof: buildMaxBytesProof(claimed, { mode: 3, ticket: ti, other: latest.other, otherTicket: latest.i }),
      });
    else if (t.prevEpoch < e) {
      const prev = facts.earlier.find((x) => x.epoch === t.prevEpoch);
      const pi = prev ? prev.tickets.findIndex((x) => lower(x.ticketHash) === lower(t.ticketHash)) : -1;
      if (prev && pi < 0)
        add({
          kind: "maxBytes",
          epoch: e,
          message: `Ticket ${t.ticketHash}: its prevEpoch ${t.prevEpoch} has no leaf of it.`,
          proof: buildMaxBytesProof(claimed, { mode: 2, ticket: ti, other: prev }),
        });
      else if (prev && t.bytesBefore !== prev.tickets[pi]!.bytesBefore + prev.tickets[pi]!.bytesIn)
        add({
          kind: "maxBytes",
          epoch: e,
          message: `Ticket ${t.ticketHash}: bytesBefore ${t.bytesBefore} is not epoch ${t.prevEpoch}'s bytesBefore + bytesIn.`,
          proof: buildMaxBytesProof(claimed, { mode: 1, ticket: ti, other: prev, otherTicket: pi }),
        });
    }
  });
  return faults;
}

/**
 * Whether a path to the last leaf of a tree of `length` leaves and root sum `rootSum` shows it is not the committed
 * `(count, sum)` (the "path" modes of relayTotal, poolTotal and maxBytes): another sum, a depth other than
 * depthOf(count), or that leaf at or past `count`. A `count` above `length` at the same depth needs a node opening
 * (an empty real slot), which is not built: that fault is skipped.
 */
function pathShows(length: number, rootSum: bigint, count: bigint, sum: bigint): boolean {
  const depthOf = (n: bigint) => {
    let d = 0;
    while (1n << BigInt(d) < n) d++;
    return d;
  };
  return rootSum !== sum || depthOf(BigInt(length)) !== depthOf(count) || count < BigInt(length);
}
