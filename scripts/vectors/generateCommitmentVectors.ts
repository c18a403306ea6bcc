// Regenerates test/vectors/commitments.json: the v2 commitments of docs/fraud-proofs.md ("New commitments") written
// out plainly here with viem's ABI encoding and keccak256 (and @openzeppelin/merkle-tree for the claim tree), NOT
// from src/protocol. test/protocol/commitments/commitmentVectors.test.ts checks the TypeScript library against them;
// the Solidity CommitmentHashing library is checked against the same file.
// Run: node scripts/vectors/generateCommitmentVectors.ts
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type AbiParameter, encodeAbiParameters, type Hex, keccak256, toHex } from "viem";

const ZERO: Hex = `0x${"00".repeat(32)}`;
const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffff;
const U256 = (1n << 256n) - 1n;
const word = (label: string): Hex => keccak256(toHex(`meshpay commitment vector ${label}`));
const address = (label: string): Hex => `0x${word(label).slice(26)}`;
const abi = (types: string[], values: unknown[]) =>
  encodeAbiParameters(
    types.map((type) => ({ type }) as AbiParameter),
    values,
  );

// --- leaf hashes -----------------------------------------------------------------------------------------------
type Receipt = {
  receiptId: Hex;
  ticketHash: Hex;
  segment: bigint;
  chunk: number;
  size: number;
  deliveredAt: bigint;
  signatureHash: Hex;
};
const receiptHash = (r: Receipt) =>
  keccak256(
    abi(
      ["bytes32", "bytes32", "uint64", "uint32", "uint32", "uint64", "bytes32"],
      [r.receiptId, r.ticketHash, r.segment, r.chunk, r.size, r.deliveredAt, r.signatureHash],
    ),
  );
type Commitment = {
  epochBytes: bigint;
  baseAmount: bigint;
  epochAmount: bigint;
  bonusAmount: bigint;
  receiptsRoot: Hex;
  receiptCount: bigint;
  prevCumulative: bigint;
};
const commitmentHash = (c: Commitment) =>
  keccak256(
    abi(
      ["uint256", "uint256", "uint256", "uint256", "bytes32", "uint256", "uint256"],
      [c.epochBytes, c.baseAmount, c.epochAmount, c.bonusAmount, c.receiptsRoot, c.receiptCount, c.prevCumulative],
    ),
  );
type Claim = { account: Hex; poolId: Hex; cumulativeAmount: bigint; epochCommitment: Hex };
const claimHash = (c: Claim) =>
  keccak256(
    keccak256(
      abi(["address", "bytes32", "uint256", "bytes32"], [c.account, c.poolId, c.cumulativeAmount, c.epochCommitment]),
    ),
  );
type Pool = {
  poolId: Hex;
  total: bigint;
  uncappedTotal: bigint;
  scaleBalance: bigint;
  leavesRoot: Hex;
  leafCount: bigint;
};
const poolHash = (p: Pool) =>
  keccak256(
    abi(
      ["bytes32", "uint256", "uint256", "uint256", "bytes32", "uint256"],
      [p.poolId, p.total, p.uncappedTotal, p.scaleBalance, p.leavesRoot, p.leafCount],
    ),
  );
// The value of a pool-account leaf packs two sums: baseAmount << 128 | (epochAmount + bonusAmount).
type PoolAccount = { account: Hex; cumulativeAmount: bigint; epochCommitment: Hex; baseAmount: bigint; amount: bigint };
const poolAccountHash = (a: PoolAccount) =>
  keccak256(abi(["address", "uint256", "bytes32"], [a.account, a.cumulativeAmount, a.epochCommitment]));
type Ticket = {
  ticketHash: Hex;
  ticketSignatureHash: Hex;
  bytesBefore: bigint;
  bytesIn: bigint;
  receiptsOfTicketRoot: Hex;
  count: bigint;
  prevEpoch: bigint;
};
const ticketHash = (t: Ticket) =>
  keccak256(
    abi(
      ["bytes32", "bytes32", "uint256", "uint256", "bytes32", "uint256", "uint256"],
      [t.ticketHash, t.ticketSignatureHash, t.bytesBefore, t.bytesIn, t.receiptsOfTicketRoot, t.count, t.prevEpoch],
    ),
  );
type TicketReceipt = { segment: bigint; chunk: number; relay: Hex; receiptId: Hex; size: number };
const ticketReceiptHash = (r: TicketReceipt) =>
  keccak256(abi(["uint64", "uint32", "address", "bytes32"], [r.segment, r.chunk, r.relay, r.receiptId]));

// --- position-bound sum trees (every level, every padding leaf) -----------------------------------------------
type Node = { hash: Hex; sum: bigint };
function rootOf(leaves: Node[]): { rootHash: Hex; rootSum: bigint; length: number; depth: number } {
  let width = 1;
  let depth = 0;
  while (width < leaves.length) {
    width *= 2;
    depth++;
  }
  let level = Array.from({ length: width }, (_, i) => leaves[i] ?? { hash: ZERO, sum: 0n });
  while (level.length > 1) {
    const next: Node[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const [l, r] = [level[j]!, level[j + 1]!];
      next.push({
        hash: keccak256(abi(["bytes32", "uint256", "bytes32", "uint256"], [l.hash, l.sum, r.hash, r.sum])),
        sum: l.sum + r.sum,
      });
    }
    level = next;
  }
  return { rootHash: level[0]!.hash, rootSum: level[0]!.sum, length: leaves.length, depth };
}
const byHex = (a: Hex, b: Hex) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

// --- single hashes ---------------------------------------------------------------------------------------------
const signature65: Hex = `0x${word("sig r").slice(2)}${word("sig s").slice(2)}1b`;
const signature64: Hex = `0x${word("sig r2").slice(2)}${word("sig s2").slice(2)}`;
const signatures = [signature65, signature64].map((signature) => ({ signature, hash: keccak256(signature) }));

const receiptCases: Receipt[] = [
  {
    receiptId: word("receipt 0"),
    ticketHash: word("ticket 0"),
    segment: 7n,
    chunk: 3,
    size: 65_536,
    deliveredAt: 1_767_225_600_123n,
    signatureHash: keccak256(signature65),
  },
  {
    receiptId: `0x${"ff".repeat(32)}`,
    ticketHash: `0x${"ff".repeat(32)}`,
    segment: U64,
    chunk: U32,
    size: U32,
    deliveredAt: U64,
    signatureHash: `0x${"ff".repeat(32)}`,
  },
  { receiptId: ZERO, ticketHash: ZERO, segment: 0n, chunk: 0, size: 0, deliveredAt: 0n, signatureHash: ZERO },
];
const commitmentCases: Commitment[] = [
  {
    epochBytes: 3_000_000n,
    baseAmount: 3_000_000_000n,
    epochAmount: 2_500_000_000n,
    bonusAmount: 0n,
    receiptsRoot: word("receipts root"),
    receiptCount: 46n,
    prevCumulative: 10n ** 18n,
  },
  {
    epochBytes: U256,
    baseAmount: U256,
    epochAmount: U256,
    bonusAmount: U256,
    receiptsRoot: `0x${"ff".repeat(32)}`,
    receiptCount: U256,
    prevCumulative: U256,
  },
  {
    epochBytes: 0n,
    baseAmount: 0n,
    epochAmount: 0n,
    bonusAmount: 0n,
    receiptsRoot: ZERO,
    receiptCount: 0n,
    prevCumulative: 0n,
  },
];

// --- one coherent epoch: receipts → relay trees → claim leaves → pools tree; receipts → tickets tree ------------
const price = 1_000_000n; // token base units per 1e9 bytes
const pools = [word("pool A"), word("pool B")];
const relays = [address("relay 1"), address("relay 2"), address("relay 3")];
const tickets = [0, 1, 2].map((t) => ({
  ticketHash: word(`epoch ticket ${t}`),
  signatureHash: word(`ticket sig ${t}`),
}));
type EpochReceipt = Receipt & { relay: Hex; poolId: Hex };
const epochReceipts: EpochReceipt[] = [];
for (let i = 0; i < 11; i++) {
  const relay = relays[i % 3]!;
  const ticket = tickets[(i * 7) % 3]!;
  epochReceipts.push({
    receiptId: word(`epoch receipt ${i}`),
    ticketHash: ticket.ticketHash,
    segment: BigInt(100 + Math.floor(i / 2)),
    chunk: i % 4,
    size: 1000 + ((i * 7919) % 60_000),
    deliveredAt: 1_767_225_600_000n + BigInt(i * 1000),
    signatureHash: keccak256(toHex(`receipt signature ${i}`)),
    relay,
    poolId: i % 5 === 4 ? pools[1]! : pools[0]!,
  });
}
const leafKeys = [...new Set(epochReceipts.map((r) => `${r.poolId}:${r.relay}`))].sort();
const claimLeaves = leafKeys.map((key, k) => {
  const [poolId, relay] = key.split(":") as [Hex, Hex];
  const mine = epochReceipts.filter((r) => r.poolId === poolId && r.relay === relay);
  const sorted = [...mine].sort((a, b) => byHex(a.receiptId, b.receiptId));
  const tree = rootOf(sorted.map((r) => ({ hash: receiptHash(r), sum: BigInt(r.size) })));
  const baseAmount = (tree.rootSum * price) / 1_000_000_000n;
  const prevCumulative = BigInt(k) * 1_000n;
  const commitment: Commitment = {
    epochBytes: tree.rootSum,
    baseAmount,
    epochAmount: baseAmount,
    bonusAmount: 0n,
    receiptsRoot: tree.rootHash,
    receiptCount: BigInt(tree.length),
    prevCumulative,
  };
  const epochCommitment = commitmentHash(commitment);
  return {
    account: relay,
    poolId,
    cumulativeAmount: prevCumulative + baseAmount,
    epochCommitment,
    commitment,
    receiptIds: sorted.map((r) => r.receiptId),
    relayTree: tree,
  };
});
const claimTree = StandardMerkleTree.of(
  claimLeaves.map((l) => [l.account, l.poolId, l.cumulativeAmount.toString(), l.epochCommitment]),
  ["address", "bytes32", "uint256", "bytes32"],
);
const poolEntries = pools.map((poolId) => {
  const accounts = claimLeaves
    .filter((l) => l.poolId === poolId)
    .map((l) => ({
      account: l.account,
      cumulativeAmount: l.cumulativeAmount,
      epochCommitment: l.epochCommitment,
      baseAmount: l.commitment.baseAmount,
      amount: l.commitment.epochAmount + l.commitment.bonusAmount,
    }))
    .sort((a, b) => byHex(a.account, b.account));
  const leaves = rootOf(accounts.map((a) => ({ hash: poolAccountHash(a), sum: (a.baseAmount << 128n) | a.amount })));
  const uncappedTotal = claimLeaves
    .filter((l) => l.poolId === poolId)
    .reduce((s, l) => s + l.commitment.baseAmount, 0n);
  if (leaves.rootSum >> 128n !== uncappedTotal) throw new Error("the high half of the root sum is uncappedTotal");
  const pool: Pool = {
    poolId,
    total: leaves.rootSum & ((1n << 128n) - 1n),
    uncappedTotal,
    scaleBalance: 10n ** 20n,
    leavesRoot: leaves.rootHash,
    leafCount: BigInt(leaves.length),
  };
  return { pool, accounts, leavesTree: leaves, hash: poolHash(pool) };
});
const poolsTree = rootOf(
  [...poolEntries]
    .sort((a, b) => byHex(a.pool.poolId, b.pool.poolId))
    .map((p) => ({ hash: p.hash, sum: p.pool.total })),
);
const ticketEntries = tickets.map(({ ticketHash: hash, signatureHash }, t) => {
  const receipts: TicketReceipt[] = epochReceipts
    .filter((r) => r.ticketHash === hash)
    .map((r) => ({ segment: r.segment, chunk: r.chunk, relay: r.relay, receiptId: r.receiptId, size: r.size }))
    .sort((a, b) => (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : a.chunk - b.chunk));
  const tree = rootOf(receipts.map((r) => ({ hash: ticketReceiptHash(r), sum: BigInt(r.size) })));
  const ticket: Ticket = {
    ticketHash: hash,
    ticketSignatureHash: signatureHash,
    bytesBefore: BigInt(t) * 500_000n,
    bytesIn: tree.rootSum,
    receiptsOfTicketRoot: tree.rootHash,
    count: BigInt(tree.length),
    // The epoch's own number (50) when the ticket has no earlier receipt.
    prevEpoch: t === 0 ? 50n : BigInt(40 + t),
  };
  return { ticket, receipts, receiptsTree: tree, hash: ticketHash(ticket) };
});
const ticketsTree = rootOf(
  [...ticketEntries]
    .sort((a, b) => byHex(a.ticket.ticketHash, b.ticket.ticketHash))
    .map((t) => ({ hash: t.hash, sum: t.ticket.bytesIn })),
);

const posted = [...poolEntries]
  .sort((a, b) => byHex(a.pool.poolId, b.pool.poolId))
  .filter((p) => p.pool.uncappedTotal > 0n || p.pool.total > 0n)
  .map((p) => ({
    poolId: p.pool.poolId,
    total: p.pool.total,
    uncappedTotal: p.pool.uncappedTotal,
    scaleBalance: p.pool.scaleBalance,
  }));
const poolTotalsHash = keccak256(
  encodeAbiParameters(
    [
      {
        type: "tuple[]",
        components: [
          { name: "poolId", type: "bytes32" },
          { name: "total", type: "uint256" },
          { name: "uncappedTotal", type: "uint256" },
          { name: "scaleBalance", type: "uint256" },
        ],
      },
    ],
    [posted],
  ),
);
const data = {
  aggregator: address("aggregator"),
  bundleHash: word("bundle"),
  poolTotalsHash,
  poolsRoot: poolsTree.rootHash,
  poolsCount: BigInt(poolsTree.length),
  ticketsRoot: ticketsTree.rootHash,
  ticketsCount: BigInt(ticketsTree.length),
};
const dataHash = keccak256(
  abi(
    ["address", "bytes32", "bytes32", "bytes32", "uint256", "bytes32", "uint256"],
    [
      data.aggregator,
      data.bundleHash,
      data.poolTotalsHash,
      data.poolsRoot,
      data.poolsCount,
      data.ticketsRoot,
      data.ticketsCount,
    ],
  ),
);

const json = {
  description:
    "The v2 commitments of docs/fraud-proofs.md, computed with viem's encodeAbiParameters and keccak256 (claim tree: " +
    "@openzeppelin/merkle-tree). Leaf hashes are keccak256(abi.encode(fields)) (claim leaves: StandardMerkleTree's " +
    "double keccak); trees are position-bound sum trees (inner keccak256(abi.encode(lHash, lSum, rHash, rSum))) over " +
    "leaves sorted by their key. `epoch` is one coherent epoch: receipts -> relay receipts trees -> epochCommitment -> " +
    "claim leaves and pool accounts trees -> pools tree; receipts -> ticket receipts trees -> tickets tree. " +
    "The epoch is number 50; a ticket's prevEpoch 50 means no earlier epoch. A pool-account leaf's value is " +
    "baseAmount << 128 | (epochAmount + bonusAmount). dataHash = keccak256(abi.encode(aggregator, bundleHash, " +
    "poolTotalsHash, poolsRoot, poolsCount, ticketsRoot, ticketsCount)), poolTotalsHash = " +
    "keccak256(abi.encode((bytes32 poolId, uint256 total, uint256 uncappedTotal, uint256 scaleBalance)[])).",
  epochNumber: 50n,
  signatures,
  receiptNodes: receiptCases.map((r) => ({ ...r, hash: receiptHash(r) })),
  epochCommitments: commitmentCases.map((c) => ({ ...c, hash: commitmentHash(c) })),
  claimLeaves: claimLeaves.map((l) => ({
    account: l.account,
    poolId: l.poolId,
    cumulativeAmount: l.cumulativeAmount,
    epochCommitment: l.epochCommitment,
    hash: claimHash(l),
  })),
  epoch: {
    price,
    receipts: epochReceipts,
    claimRoot: claimTree.root,
    claims: claimLeaves.map((l, i) => ({
      account: l.account,
      poolId: l.poolId,
      cumulativeAmount: l.cumulativeAmount,
      epochCommitment: l.epochCommitment,
      commitment: l.commitment,
      receiptIds: l.receiptIds,
      relayTree: l.relayTree,
      leafHash: claimHash(l),
      proof: claimTree.getProof(i),
    })),
    pools: poolEntries.map((p) => ({
      ...p.pool,
      hash: p.hash,
      accounts: p.accounts.map((a) => ({ ...a, hash: poolAccountHash(a) })),
      leavesTree: p.leavesTree,
    })),
    poolsTree,
    tickets: ticketEntries.map((t) => ({
      ...t.ticket,
      hash: t.hash,
      receipts: t.receipts.map((r) => ({ ...r, hash: ticketReceiptHash(r) })),
      receiptsTree: t.receiptsTree,
    })),
    ticketsTree,
    posted,
    data,
    dataHash,
  },
};
writeFileSync(
  resolve(import.meta.dirname, "../../test/vectors/commitments.json"),
  `${JSON.stringify(json, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
);
console.log(
  `wrote test/vectors/commitments.json (${epochReceipts.length} receipts, ${claimLeaves.length} claim leaves, ${pools.length} pools, ${tickets.length} tickets)`,
);
