import { privateKeyToAccount } from "viem/accounts";
import { createRelayReceiptsTreeBuilder } from "../../../src/protocol/commitments/createRelayReceiptsTreeBuilder.ts";
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import type {
  EpochCommitmentPreimage,
  PostedPoolTotal,
  TicketReceiptNode,
} from "../../../src/protocol/commitments/types.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { buildFraudEpoch } from "../../../src/protocol/fraud/buildFraudEpoch.ts";
import type {
  FraudEpoch,
  FraudEpochClaim,
  FraudEpochPool,
  FraudEpochReceipt,
  FraudEpochTicket,
  ReceiptLocation,
} from "../../../src/protocol/fraud/types.ts";
import { signChunkReceipt } from "../../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../../src/protocol/messages/signViewerTicket.ts";
import type {
  Address,
  ChunkReceipt,
  Hex,
  Keccak256,
  MeshpayDomain,
  ViewerTicket,
} from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";
import { xorshift } from "../xorshift.ts";

/** What the fraud-proof gas bench builds its epochs from. */
export type FraudBenchOptions = {
  /** The claim tree has 2^claimDepth leaves (both epochs). */
  readonly claimDepth: number;
  /** Every faulty leaf's relay receipts tree has 2^receiptDepth receipts (and so has its ticket's receipts tree). */
  readonly receiptDepth: number;
  /** The judged epoch's tickets tree has 2^ticketsDepth leaves. */
  readonly ticketsDepth: number;
  /** Posted pool totals of the judged epoch (one of them without a pools-tree leaf); at least 2. */
  readonly postedPools: number;
  /** The source's EIP-712 domain (its address and the chain id). */
  readonly domain: MeshpayDomain;
  /** Unix seconds. */
  readonly genesisTime: bigint;
  /** Seconds. */
  readonly epochSeconds: bigint;
  /** The judged epoch (≥ 1); the previous one is epoch − 1. */
  readonly epoch: bigint;
  /** Token base units per 1e9 bytes (the source's priceAt). */
  readonly price: bigint;
  /** The viewer (signs every opened receipt), the pool's ticket signer, and a key that is neither. */
  readonly keys: { readonly viewer: Hex; readonly ticketSigner: Hex; readonly stranger: Hex };
  readonly keccak: Keccak256;
  readonly log?: (line: string) => void;
};

/** The two epochs and where each planted fault sits in them. */
export type FraudBenchEpochs = {
  /** epoch − 1: the duplicate's first credit and the dropped account's leaf. */
  readonly previous: FraudEpoch;
  /** The judged epoch: one fault of each kind, each in its own leaf, pool or ticket. */
  readonly current: FraudEpoch;
  readonly at: {
    /** A receipt signed by `keys.stranger`, not the viewer. */
    readonly badSignature: ReceiptLocation;
    /** The same leaf's receipt really signed by the viewer (the honest counterpart). */
    readonly goodSignature: ReceiptLocation;
    /** A receipt whose ticket is signed by `keys.stranger`, not the pool's ticket signer. */
    readonly badTicket: ReceiptLocation;
    /** A receipt repeating (ticketHash, segment, chunk) of `duplicateFirst` in the previous epoch. */
    readonly duplicate: ReceiptLocation;
    readonly duplicateFirst: ReceiptLocation;
    /** A leaf whose epochBytes is one more than its receipts' sum. */
    readonly relayTotal: number;
    /** A leaf whose baseAmount is not floor(epochBytes · price / 1e9). */
    readonly amount: number;
    /** A leaf of the previous epoch whose (account, pool) has no leaf in the judged epoch. */
    readonly droppedClaim: number;
    /** The posted total whose pool has no pools-tree leaf. */
    readonly postedWithoutPool: number;
    /** A credited receipt whose (segment, chunk) is not in its ticket's receipts tree. */
    readonly notInTicket: ReceiptLocation;
  };
};

/**
 * Builds the fraud-proof gas bench's two epochs with the protocol library (buildFraudEpoch): real claim trees of
 * 2^claimDepth leaves, the judged epoch's tickets tree of 2^ticketsDepth leaves, and one fault of each kind, each in
 * its own leaf, pool or ticket. Every faulty leaf is backed by a real relay receipts tree of 2^receiptDepth receipt
 * nodes, the receipt a proof opens really signed (viem/noble keys of `keys`) and every other receipt synthetic
 * (random receiptId and signatureHash: only their hashes enter the trees). The other claim leaves, pool-account
 * leaves and ticket leaves are distinct synthetic leaves (random commitments), all in their trees.
 */
export function buildFraudBenchEpochs(o: FraudBenchOptions): FraudBenchEpochs {
  const log = o.log ?? (() => {});
  // Random bytes drawn from one deterministic pool (xorshift): hex strings, lowercase like the library's.
  const rand = xorshift(0x5eed_f4a7);
  let pool = rand(1 << 20);
  let drawn = 0;
  const hex = (n: number): Hex => {
    if (drawn + n > pool.length) {
      pool = rand(pool.length);
      drawn = 0;
    }
    drawn += n;
    return bytesToHex(pool, drawn - n, drawn);
  };
  const n = 2 ** o.claimDepth;
  const receiptsPerLeaf = 2 ** o.receiptDepth;
  if (o.epoch < 1n) throw new Error("the judged epoch needs a previous epoch");
  if (n < 16 || o.postedPools < 2 || o.postedPools - 2 > n / 2) throw new Error("claim tree too small");
  const poolId = hex(32);
  const startMs = (e: bigint) => (o.genesisTime + e * o.epochSeconds) * 1000n;
  const previousEpoch = o.epoch - 1n;

  // Accounts: 8 with a role, the rest synthetic (the same relays earn in both epochs).
  const accounts: Address[] = Array.from({ length: n + 8 }, () => hex(20));
  const [dupRelay, dropped, sigRelay, ticketRelay, totalRelay, amountRelay, notInTicketRelay] = accounts;
  const synthetic = accounts.slice(8);

  const signedTicket = (key: Hex, from: bigint, to: bigint): { ticket: ViewerTicket; signature: Hex; hash: Hex } => {
    const ticket: ViewerTicket = {
      poolId,
      streamId: hex(32),
      viewer: addressOf(o.keys.viewer),
      notBefore: from,
      notAfter: to,
      maxBytes: 10n ** 15n,
    };
    const { signature } = signViewerTicket(ticket, o.domain, key);
    return { ticket, signature, hash: hashViewerTicket(ticket, o.keccak) };
  };
  type Ticket = ReturnType<typeof signedTicket>;

  /** A signed receipt of `ticket`, by `key` (the viewer unless a fault says otherwise). */
  const opened = (t: Ticket, relay: Address, segment: bigint, deliveredAt: bigint, key: Hex): FraudEpochReceipt => {
    const receipt: ChunkReceipt = {
      poolId,
      ticketHash: t.hash,
      relay,
      segment,
      chunk: 1,
      chunkHash: hex(32),
      size: 1_048_576,
      deliveredAt,
    };
    const { signature } = signChunkReceipt(receipt, o.domain, key);
    return {
      node: {
        receiptId: getReceiptId(receipt, o.domain, o.keccak),
        ticketHash: t.hash,
        segment,
        chunk: 1,
        size: receipt.size,
        deliveredAt,
        signatureHash: hashSignature(signature, o.keccak),
      },
      receipt,
      signature,
      ticket: t.ticket,
      ticketSignature: t.signature,
    };
  };

  /** `count` (2^receiptDepth) receipts of `t` credited to `relay`: `open` signed ones, the rest synthetic (chunk 0
   * of segments from `firstSegment`), sorted by receiptId as a relay receipts tree is. */
  const receiptsOf = (
    t: Ticket,
    relay: Address,
    e: bigint,
    firstSegment: bigint,
    open: FraudEpochReceipt[],
    count = receiptsPerLeaf,
  ) => {
    const out: FraudEpochReceipt[] = [...open];
    for (let i = 0; out.length < count; i++) {
      const segment = firstSegment + BigInt(i);
      const deliveredAt = startMs(e) + 1_000n + BigInt(i) * 10n;
      const receipt: ChunkReceipt = {
        poolId,
        ticketHash: t.hash,
        relay,
        segment,
        chunk: 0,
        chunkHash: `0x${"00".repeat(32)}`,
        size: 1_000_000 + (i % 1000),
        deliveredAt,
      };
      out.push({
        node: {
          receiptId: hex(32),
          ticketHash: t.hash,
          segment,
          chunk: 0,
          size: receipt.size,
          deliveredAt,
          signatureHash: hex(32),
        },
        receipt,
        signature: "0x",
        ticket: t.ticket,
        ticketSignature: t.signature,
      });
    }
    return out.sort((a, b) => byHex(a.node.receiptId, b.node.receiptId));
  };

  /** A claim leaf with its real epochCommitment preimage over `receipts` (`tamper` edits the preimage). */
  const claimOf = (
    account: Address,
    receipts: FraudEpochReceipt[],
    prevCumulative: bigint,
    tamper: (c: EpochCommitmentPreimage) => EpochCommitmentPreimage = (c) => c,
  ): FraudEpochClaim => {
    const builder = createRelayReceiptsTreeBuilder(o.keccak);
    for (const r of receipts) builder.add(r.node);
    const tree = builder.finish();
    const baseAmount = (tree.rootSum * o.price) / 1_000_000_000n;
    const commitment = tamper({
      epochBytes: tree.rootSum,
      baseAmount,
      epochAmount: baseAmount,
      bonusAmount: 0n,
      receiptsRoot: tree.rootHash,
      receiptCount: BigInt(tree.length),
      prevCumulative,
    });
    return {
      leaf: {
        account,
        poolId,
        cumulativeAmount: commitment.prevCumulative + commitment.epochAmount + commitment.bonusAmount,
        epochCommitment: hashEpochCommitment(commitment, o.keccak),
      },
      commitment,
      receipts,
    };
  };

  /** The tickets-tree leaf of `t` over the receipts credited of it (sorted by (segment, chunk)). */
  const ticketOf = (
    t: Ticket,
    credited: { relay: Address; receipts: readonly FraudEpochReceipt[] }[],
    bytesBefore: bigint,
    prevEpoch: bigint,
  ): FraudEpochTicket => {
    const receipts: TicketReceiptNode[] = credited
      .flatMap(({ relay, receipts: rs }) =>
        rs.map((r) => ({
          segment: r.node.segment,
          chunk: r.node.chunk,
          relay,
          receiptId: r.node.receiptId,
          size: r.node.size,
        })),
      )
      .sort((a, b) => (a.segment !== b.segment ? (a.segment < b.segment ? -1 : 1) : a.chunk - b.chunk));
    return {
      ticketHash: t.hash,
      ticketSignatureHash: hashSignature(t.signature, o.keccak),
      bytesBefore,
      bytesIn: receipts.reduce((s, r) => s + BigInt(r.size), 0n),
      count: BigInt(receipts.length),
      prevEpoch,
      receipts,
    };
  };

  const EMPTY: FraudEpochReceipt[] = [];
  const NO_TICKET_RECEIPTS: TicketReceiptNode[] = [];
  const SYNTHETIC_COMMITMENT: EpochCommitmentPreimage = {
    epochBytes: 0n,
    baseAmount: 0n,
    epochAmount: 0n,
    bonusAmount: 0n,
    receiptsRoot: `0x${"00".repeat(32)}`,
    receiptCount: 0n,
    prevCumulative: 0n,
  };
  /** A synthetic claim leaf (random epochCommitment; its preimage is never opened, so all share one) and the
   * amount its pool-account leaf carries. */
  const syntheticAmount = new Map<FraudEpochClaim, bigint>();
  const syntheticClaim = (account: Address, pool: Hex, amount: bigint): FraudEpochClaim => {
    const claim = {
      leaf: { account, poolId: pool, cumulativeAmount: amount * 3n, epochCommitment: hex(32) },
      commitment: SYNTHETIC_COMMITMENT,
      receipts: EMPTY,
    };
    syntheticAmount.set(claim, amount);
    return claim;
  };
  const amountsOf = (c: FraudEpochClaim) => {
    const amount = syntheticAmount.get(c);
    if (amount !== undefined) return { base: amount, paid: amount };
    return { base: c.commitment.baseAmount, paid: c.commitment.epochAmount + c.commitment.bonusAmount };
  };

  /** The pools tree's leaves (sorted by poolId) over `claims`, each pool's accounts sorted by account. */
  const poolsOf = (claims: readonly FraudEpochClaim[], scaleBalance: bigint): FraudEpochPool[] => {
    const byPool = new Map<string, FraudEpochClaim[]>();
    for (const c of claims) {
      const k = c.leaf.poolId.toLowerCase();
      const list = byPool.get(k);
      if (list) list.push(c);
      else byPool.set(k, [c]);
    }
    return [...byPool.entries()]
      .sort(([a], [b]) => byHex(a, b))
      .map(([id, cs]) => {
        const accountsOf = cs
          .map((c) => ({
            account: c.leaf.account,
            cumulativeAmount: c.leaf.cumulativeAmount,
            epochCommitment: c.leaf.epochCommitment,
            value: (amountsOf(c).base << 128n) | amountsOf(c).paid,
          }))
          .sort((a, b) => byHex(a.account, b.account));
        const total = cs.reduce((s, c) => s + amountsOf(c).paid, 0n);
        const uncappedTotal = cs.reduce((s, c) => s + amountsOf(c).base, 0n);
        return {
          poolId: id as Hex,
          total,
          uncappedTotal,
          scaleBalance,
          leafCount: BigInt(accountsOf.length),
          accounts: accountsOf,
        };
      });
  };
  const postedOf = (pools: readonly FraudEpochPool[], extra: PostedPoolTotal[] = []): PostedPoolTotal[] =>
    [
      ...pools.map((p) => ({
        poolId: p.poolId,
        total: p.total,
        uncappedTotal: p.uncappedTotal,
        scaleBalance: p.scaleBalance,
      })),
      ...extra,
    ].sort((a, b) => byHex(a.poolId, b.poolId));
  const scaleBalance = 10n ** 30n;
  const mid = BigInt(receiptsPerLeaf / 2);

  // --- epoch − 1: the duplicate's first credit, the account that drops out, synthetic leaves ---------------------
  log(`fraud bench: epoch ${previousEpoch}, ${n} claim leaves, 2^${o.receiptDepth} receipts behind the faulty one`);
  const dupTicket = signedTicket(o.keys.ticketSigner, startMs(previousEpoch), startMs(o.epoch + 1n) - 1n);
  const firstCredit = opened(dupTicket, dupRelay!, mid, startMs(previousEpoch) + 600_000n, o.keys.viewer);
  const dupPrevious = claimOf(dupRelay!, receiptsOf(dupTicket, dupRelay!, previousEpoch, 0n, [firstCredit]), 0n);
  const droppedTicket = signedTicket(o.keys.ticketSigner, startMs(previousEpoch), startMs(o.epoch) - 1n);
  const droppedSource = claimOf(dropped!, receiptsOf(droppedTicket, dropped!, previousEpoch, 0n, [], 16), 0n);
  const previousClaims: FraudEpochClaim[] = [dupPrevious, droppedSource];
  for (let i = 0; previousClaims.length < n; i++)
    previousClaims.push(syntheticClaim(synthetic[i]!, poolId, 10_000n + BigInt(i % 977)));
  const previousPools = poolsOf(previousClaims, scaleBalance);
  const dupPreviousTicket = ticketOf(
    dupTicket,
    [{ relay: dupRelay!, receipts: dupPrevious.receipts }],
    0n,
    previousEpoch,
  );
  const previous = buildFraudEpoch(
    {
      epoch: previousEpoch,
      aggregator: accounts[7]!,
      bundleHash: hex(32),
      posted: postedOf(previousPools),
      claims: previousClaims,
      pools: previousPools,
      tickets: [
        dupPreviousTicket,
        ticketOf(droppedTicket, [{ relay: dropped!, receipts: droppedSource.receipts }], 0n, previousEpoch),
      ].sort((a, b) => byHex(a.ticketHash, b.ticketHash)),
    },
    o.keccak,
  );

  // --- the judged epoch: one fault per kind ---------------------------------------------------------------------
  log(`fraud bench: epoch ${o.epoch}, ${n} claim leaves, 2^${o.ticketsDepth} tickets, ${o.postedPools} posted pools`);
  const at = startMs(o.epoch) + 600_000n;
  const window = [startMs(o.epoch), startMs(o.epoch + 1n) - 1n] as const;
  const viewer = o.keys.viewer;
  // badSignature: a receipt signed by a stranger (its honest neighbour is signed by the viewer).
  const sigTicket = signedTicket(o.keys.ticketSigner, ...window);
  const badSig = opened(sigTicket, sigRelay!, mid, at, o.keys.stranger);
  const goodSig = opened(sigTicket, sigRelay!, mid + 1n, at + 1n, viewer);
  const sigClaim = claimOf(sigRelay!, receiptsOf(sigTicket, sigRelay!, o.epoch, 0n, [badSig, goodSig]), 0n);
  // badTicket: a ticket signed by a stranger, not the pool's ticket signer.
  const badTicket = signedTicket(o.keys.stranger, ...window);
  const badTicketReceipt = opened(badTicket, ticketRelay!, mid, at, viewer);
  const ticketClaim = claimOf(ticketRelay!, receiptsOf(badTicket, ticketRelay!, o.epoch, 0n, [badTicketReceipt]), 0n);
  // duplicate: the same (ticketHash, segment, chunk) as the previous epoch's first credit, signed again.
  const secondCredit = opened(dupTicket, dupRelay!, mid, at, viewer);
  const dupClaim = claimOf(
    dupRelay!,
    receiptsOf(dupTicket, dupRelay!, o.epoch, BigInt(receiptsPerLeaf), [secondCredit]),
    dupPrevious.leaf.cumulativeAmount,
  );
  // relayTotal: one byte more than the receipts carry.
  const totalTicket = signedTicket(o.keys.ticketSigner, ...window);
  const totalOpened = opened(totalTicket, totalRelay!, mid, at, viewer);
  const totalClaim = claimOf(
    totalRelay!,
    receiptsOf(totalTicket, totalRelay!, o.epoch, 0n, [totalOpened]),
    0n,
    (c) => ({
      ...c,
      epochBytes: c.epochBytes + 1n,
    }),
  );
  // amount: a baseAmount (and epochAmount) above floor(epochBytes · price / 1e9).
  const amountTicket = signedTicket(o.keys.ticketSigner, ...window);
  const amountReceipts = receiptsOf(amountTicket, amountRelay!, o.epoch, 0n, [], 16);
  const amountClaim = claimOf(amountRelay!, amountReceipts, 0n, (c) => ({
    ...c,
    baseAmount: c.baseAmount + 7n,
    epochAmount: c.epochAmount + 7n,
  }));
  // maxBytes: a credited receipt left out of its ticket's receipts tree.
  const mbTicket = signedTicket(o.keys.ticketSigner, ...window);
  const leftOut = opened(mbTicket, notInTicketRelay!, mid, at, viewer);
  const mbClaim = claimOf(notInTicketRelay!, receiptsOf(mbTicket, notInTicketRelay!, o.epoch, 0n, [leftOut]), 0n);
  const claims: FraudEpochClaim[] = [sigClaim, ticketClaim, dupClaim, totalClaim, amountClaim, mbClaim];
  const otherPools = Array.from({ length: o.postedPools - 2 }, () => hex(32));
  // The synthetic accounts that drop out of the main pool are `dropped` (not in this epoch) and none else.
  for (let i = 0; claims.length < n; i++) {
    const pool = i < otherPools.length ? otherPools[i]! : poolId;
    claims.push(syntheticClaim(synthetic[i]!, pool, 10_000n + BigInt(i % 977)));
  }
  const pools = poolsOf(claims, scaleBalance);
  // poolTotal: a posted total whose pool has no pools-tree leaf.
  const ghost: PostedPoolTotal = { poolId: hex(32), total: 5_000n, uncappedTotal: 5_000n, scaleBalance };
  const posted = postedOf(pools, [ghost]);
  const tickets: FraudEpochTicket[] = [
    ticketOf(sigTicket, [{ relay: sigRelay!, receipts: sigClaim.receipts }], 0n, o.epoch),
    ticketOf(badTicket, [{ relay: ticketRelay!, receipts: ticketClaim.receipts }], 0n, o.epoch),
    ticketOf(
      dupTicket,
      [{ relay: dupRelay!, receipts: dupClaim.receipts }],
      dupPreviousTicket.bytesBefore + dupPreviousTicket.bytesIn,
      previousEpoch,
    ),
    ticketOf(totalTicket, [{ relay: totalRelay!, receipts: totalClaim.receipts }], 0n, o.epoch),
    ticketOf(amountTicket, [{ relay: amountRelay!, receipts: amountReceipts }], 0n, o.epoch),
    ticketOf(
      mbTicket,
      [{ relay: notInTicketRelay!, receipts: mbClaim.receipts.filter((r) => r !== leftOut) }],
      0n,
      o.epoch,
    ),
  ];
  const ticketCount = 2 ** o.ticketsDepth;
  while (tickets.length < ticketCount)
    tickets.push({
      ticketHash: hex(32),
      ticketSignatureHash: hex(32),
      bytesBefore: 0n,
      bytesIn: 0n,
      count: 0n,
      prevEpoch: o.epoch,
      receipts: NO_TICKET_RECEIPTS,
    });
  tickets.sort((a, b) => byHex(a.ticketHash, b.ticketHash));
  const current = buildFraudEpoch(
    { epoch: o.epoch, aggregator: accounts[7]!, bundleHash: hex(32), posted, claims, pools, tickets },
    o.keccak,
  );
  const where = (claim: number, r: FraudEpochReceipt): ReceiptLocation => ({
    claim,
    receipt: claims[claim]!.receipts.indexOf(r),
  });
  return {
    previous,
    current,
    at: {
      badSignature: where(0, badSig),
      goodSignature: where(0, goodSig),
      badTicket: where(1, badTicketReceipt),
      duplicate: where(2, secondCredit),
      duplicateFirst: { claim: 0, receipt: dupPrevious.receipts.indexOf(firstCredit) },
      relayTotal: 3,
      amount: 4,
      droppedClaim: 1,
      postedWithoutPool: posted.indexOf(ghost),
      notInTicket: where(5, leftOut),
    },
  };
}

function addressOf(key: Hex): Address {
  return privateKeyToAccount(key).address;
}

/** Order of two lowercase 0x-hex strings of one length (every key here is lowercase). */
function byHex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
