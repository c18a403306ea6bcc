// Regenerates test/vectors/*.json from reference implementations (viem for EIP-712 and signatures,
// @openzeppelin/merkle-tree for trees, plain bigint arithmetic for rewards), NOT from src/protocol,
// so test/protocol/vectors.test.ts checks the library against independent results.
// Run: node scripts/vectors/generateProtocolVectors.ts
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  concat,
  type Hex,
  hashStruct,
  hashTypedData,
  keccak256,
  numberToHex,
  parseSignature,
  serializeCompactSignature,
  signatureToCompactSignature,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

const out = (name: string, data: unknown) =>
  writeFileSync(
    resolve(import.meta.dirname, "../../test/vectors", name),
    `${JSON.stringify(data, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );

const types = {
  ViewerTicket: [
    { name: "poolId", type: "bytes32" },
    { name: "streamId", type: "bytes32" },
    { name: "viewer", type: "address" },
    { name: "notBefore", type: "uint64" },
    { name: "notAfter", type: "uint64" },
    { name: "maxBytes", type: "uint64" },
  ],
  ChunkReceipt: [
    { name: "poolId", type: "bytes32" },
    { name: "ticketHash", type: "bytes32" },
    { name: "relay", type: "address" },
    { name: "segment", type: "uint64" },
    { name: "chunk", type: "uint32" },
    { name: "chunkHash", type: "bytes32" },
    { name: "size", type: "uint32" },
    { name: "deliveredAt", type: "uint64" },
  ],
  ClaimAuthorization: [
    { name: "poolId", type: "bytes32" },
    { name: "account", type: "address" },
    { name: "recipient", type: "address" },
    { name: "maxFee", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const;
const typeStrings = {
  EIP712Domain: "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
  ViewerTicket:
    "ViewerTicket(bytes32 poolId,bytes32 streamId,address viewer,uint64 notBefore,uint64 notAfter,uint64 maxBytes)",
  ChunkReceipt:
    "ChunkReceipt(bytes32 poolId,bytes32 ticketHash,address relay,uint64 segment,uint32 chunk,bytes32 " +
    "chunkHash,uint32 size,uint64 deliveredAt)",
  ClaimAuthorization:
    "ClaimAuthorization(bytes32 poolId,address account,address recipient,uint256 maxFee,uint256 nonce,uint64 deadline)",
};
const typehashes = Object.fromEntries(Object.entries(typeStrings).map(([k, v]) => [k, keccak256(toHex(v))]));

// Hardhat's well-known development keys (accounts #0..#3).
const keys = {
  ticketSigner: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  viewer: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  relayA: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  relayB: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const;
const accounts = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, privateKeyToAccount(v)])) as Record<
  keyof typeof keys,
  ReturnType<typeof privateKeyToAccount>
>;
const addr = (k: keyof typeof keys) => accounts[k].address.toLowerCase() as Hex;

const domain = {
  name: "meshpay",
  version: "1",
  chainId: 31337,
  verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
} as const;
const domainSeparator = hashStruct({
  data: { ...domain, chainId: BigInt(domain.chainId) },
  primaryType: "EIP712Domain",
  types: {
    EIP712Domain: [
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
    ],
  },
});

const compact = (sig: Hex) =>
  serializeCompactSignature(signatureToCompactSignature(parseSignature(sig))).toLowerCase() as Hex;
const jsonOf = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));

const poolId = keccak256(toHex("meshpay vectors pool 1"));
const pool2 = keccak256(toHex("meshpay vectors pool 2"));
const streamId = keccak256(toHex("stream: launch event"));

async function signed<P extends keyof typeof types>(
  primaryType: P,
  message: Record<string, unknown>,
  signer: keyof typeof keys,
) {
  const structHash = hashStruct({ data: message, primaryType, types } as never);
  const digest = hashTypedData({ domain, types, primaryType, message } as never);
  const signature65 = (
    await accounts[signer].signTypedData({ domain, types, primaryType, message } as never)
  ).toLowerCase() as Hex;
  return {
    message: jsonOf(message),
    structHash,
    digest,
    signature65,
    signature64: compact(signature65),
    signer: addr(signer),
  };
}

const tickets = [
  {
    poolId,
    streamId,
    viewer: addr("viewer"),
    notBefore: 1_767_225_600_000n,
    notAfter: 1_767_232_800_000n,
    maxBytes: 50_000_000n,
  },
  { poolId: pool2, streamId, viewer: addr("viewer"), notBefore: 0n, notAfter: 18446744073709551615n, maxBytes: 1n },
];
const ticketVectors: Awaited<ReturnType<typeof signed>>[] = [];
for (const t of tickets) ticketVectors.push(await signed("ViewerTicket", t, "ticketSigner"));
const ticketHash = ticketVectors[0]!.structHash;

const chunkBytes = (i: number) => toHex(new Uint8Array(64).map((_, j) => (i * 31 + j) & 0xff));
const receipts = [
  { relay: addr("relayA"), segment: 0n, chunk: 0, size: 1_000_000, deliveredAt: 1_767_225_600_000n },
  { relay: addr("relayA"), segment: 0n, chunk: 1, size: 1_048_576, deliveredAt: 1_767_225_601_234n },
  { relay: addr("relayB"), segment: 1n, chunk: 0, size: 999_999, deliveredAt: 1_767_229_199_999n },
  {
    relay: addr("relayB"),
    segment: 18446744073709551615n,
    chunk: 4294967295,
    size: 4294967295,
    deliveredAt: 1_767_232_800_000n,
  },
].map((r, i) => ({
  poolId,
  ticketHash,
  relay: r.relay,
  segment: r.segment,
  chunk: r.chunk,
  chunkHash: keccak256(chunkBytes(i)),
  size: r.size,
  deliveredAt: r.deliveredAt,
}));
const receiptVectors: ({ chunkBytes: Hex } & Awaited<ReturnType<typeof signed>>)[] = [];
for (const [i, r] of receipts.entries())
  receiptVectors.push({ chunkBytes: chunkBytes(i), ...(await signed("ChunkReceipt", r, "viewer")) });

const authorizations = [
  {
    poolId,
    account: addr("relayA"),
    recipient: addr("relayA"),
    maxFee: 10n ** 15n,
    nonce: 0n,
    deadline: 1_767_312_000n,
  },
  {
    poolId: pool2,
    account: addr("relayB"),
    recipient: addr("ticketSigner"),
    maxFee: (1n << 256n) - 1n,
    nonce: 7n,
    deadline: 18446744073709551615n,
  },
];
const authorizationVectors: Awaited<ReturnType<typeof signed>>[] = [];
for (const a of authorizations)
  authorizationVectors.push(await signed("ClaimAuthorization", a, a.account === addr("relayA") ? "relayA" : "relayB"));

// Epochs: genesis 2026-01-01T00:00:00Z, one-hour epochs, 15 minutes of grace.
const epochParams = { genesisTime: 1_767_225_600n, epochSeconds: 3600n, graceSeconds: 900n };
const epochOf = (ms: bigint) => (ms / 1000n - epochParams.genesisTime) / epochParams.epochSeconds; // exact for ms ≥ genesis
const epochVectors = [
  1_767_225_600_000n,
  1_767_229_199_999n,
  1_767_229_200_000n,
  1_767_232_800_001n,
  1_767_225_600_000n + 1000n * 3600n * 1000n,
].map((deliveredAt) => {
  const epoch = epochOf(deliveredAt);
  const start = epochParams.genesisTime + epoch * epochParams.epochSeconds;
  const end = start + epochParams.epochSeconds;
  return { deliveredAt, epoch, start, end, closesAt: end + epochParams.graceSeconds };
});

out("eip712.json", {
  description:
    "meshpay EIP-712 vectors. Domain {name:'meshpay',version:'1',chainId,verifyingContract}. structHash = " +
    "hashStruct; digest = keccak256(0x1901 ‖ domainSeparator ‖ structHash); ticketHash = ticket structHash; " +
    "receiptId = receipt digest. uint64/uint256 as decimal strings, uint32 as numbers. Signatures are deterministic " +
    "(RFC 6979) 65-byte r‖s‖v (v 27/28) and their EIP-2098 64-byte forms.",
  domain,
  domainSeparator,
  typeStrings,
  typehashes,
  keys: Object.fromEntries(
    Object.entries(keys).map(([k, v]) => [k, { privateKey: v, address: addr(k as keyof typeof keys) }]),
  ),
  tickets: ticketVectors,
  receipts: receiptVectors,
  claimAuthorizations: authorizationVectors,
  epochParams,
  epochs: epochVectors,
});

// ---- signatures corpus (accept/reject, same for every backend) ----
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const base = receiptVectors[0]!;
const { r, s, yParity } = parseSignature(base.signature65);
const w = (x: bigint) => numberToHex(x, { size: 32 });
const sig65 = (rr: bigint, ss: bigint, v: number) => concat([w(rr), w(ss), numberToHex(v, { size: 1 })]);
const other = receiptVectors[0]!.signature65; // placeholder replaced below
void other;
const wrongKeySig = (
  await accounts.relayA.signTypedData({ domain, types, primaryType: "ChunkReceipt", message: receipts[0]! })
).toLowerCase() as Hex;
// Smallest r that is not the x-coordinate of a curve point: nothing recovers from it.
let offCurveR = 1n;
for (; ; offCurveR++) {
  try {
    secp256k1.Point.fromHex(`02${offCurveR.toString(16).padStart(64, "0")}`);
  } catch {
    break;
  }
}
const R = BigInt(r);
const S = BigInt(s);
const v = 27 + yParity;
const corpus: { name: string; signature: string; expect: string }[] = [
  { name: "valid 65-byte", signature: base.signature65, expect: "ACCEPT" },
  { name: "valid 64-byte EIP-2098", signature: base.signature64, expect: "ACCEPT" },
  { name: "valid with v as 0/1", signature: sig65(R, S, yParity), expect: "ACCEPT" },
  { name: "uppercase hex digits", signature: `0x${base.signature65.slice(2).toUpperCase()}`, expect: "ACCEPT" },
  {
    name: "high-s twin (n - s, flipped v)",
    signature: sig65(R, N - S, 27 + (1 - yParity)),
    expect: "SIGNATURE_HIGH_S",
  },
  { name: "s = n/2 + 1", signature: sig65(R, HALF_N + 1n, v), expect: "SIGNATURE_HIGH_S" },
  { name: "64-byte with s > n/2", signature: concat([w(R), w(HALF_N + 1n)]), expect: "SIGNATURE_HIGH_S" },
  { name: "flipped v (other recovery id)", signature: sig65(R, S, 27 + (1 - yParity)), expect: "WRONG_SIGNER" },
  { name: "v = 29", signature: sig65(R, S, 29), expect: "SIGNATURE_BAD_V" },
  { name: "v = 2", signature: sig65(R, S, 2), expect: "SIGNATURE_BAD_V" },
  { name: "r = 0", signature: sig65(0n, S, v), expect: "SIGNATURE_BAD_RS" },
  { name: "s = 0", signature: sig65(R, 0n, v), expect: "SIGNATURE_BAD_RS" },
  { name: "r = n", signature: sig65(N, S, v), expect: "SIGNATURE_BAD_RS" },
  { name: "r = 2^256 - 1", signature: sig65((1n << 256n) - 1n, S, v), expect: "SIGNATURE_BAD_RS" },
  { name: "s = n", signature: sig65(R, N, v), expect: "SIGNATURE_BAD_RS" },
  { name: "s = 2^256 - 1", signature: sig65(R, (1n << 256n) - 1n, v), expect: "SIGNATURE_BAD_RS" },
  { name: "r = 1 (no point recovers or wrong key)", signature: sig65(1n, S, v), expect: "REJECT" },
  {
    name: `r = ${offCurveR} (not an x-coordinate on the curve)`,
    signature: sig65(offCurveR, S, v),
    expect: "SIGNATURE_UNRECOVERABLE",
  },
  { name: "63 bytes", signature: base.signature64.slice(0, -2), expect: "SIGNATURE_MALFORMED" },
  { name: "66 bytes", signature: `${base.signature65}00`, expect: "SIGNATURE_MALFORMED" },
  { name: "empty", signature: "0x", expect: "SIGNATURE_MALFORMED" },
  { name: "no 0x prefix", signature: base.signature65.slice(2), expect: "SIGNATURE_MALFORMED" },
  {
    name: "non-hex digit",
    signature: `${base.signature65.slice(0, 10)}zz${base.signature65.slice(12)}`,
    expect: "SIGNATURE_MALFORMED",
  },
  { name: "signed by another key", signature: wrongKeySig, expect: "WRONG_SIGNER" },
  { name: "other message's signature", signature: receiptVectors[1]!.signature65, expect: "WRONG_SIGNER" },
];
out("signatures.json", {
  description:
    "Signature acceptance corpus for the receipt in eip712.json receipts[0] (digest below, expected signer = " +
    "viewer). expect: ACCEPT, WRONG_SIGNER (valid signature, other address), REJECT (refused one way or another: a " +
    "SIGNATURE_* code or WRONG_SIGNER), or the SIGNATURE_* code the library raises. Rules = OpenZeppelin " +
    "ECDSA.recover: v 27/28 (0/1 read as 27/28), 0<r<n, 0<s<=n/2, 65 or 64 bytes.",
  digest: base.digest,
  signer: base.signer,
  cases: corpus,
});

// ---- rewards and trees ----
const zero = `0x${"00".repeat(32)}` as Hex;
const receiptLeafTypes = ["bytes32"];
const receiptsTree = (ids: Hex[]) =>
  StandardMerkleTree.of(
    ids.map((id) => [id]),
    receiptLeafTypes,
  );
const receiptsTreeVector = (ids: Hex[]) => {
  const t = receiptsTree(ids);
  return {
    receiptIds: ids,
    root: t.root,
    leafHashes: ids.map((id) => t.leafHash([id])),
    proofs: ids.map((_, i) => t.getProof(i)),
  };
};
const synthetic = (n: number, seed: string) => Array.from({ length: n }, (_, i) => keccak256(toHex(`${seed}:${i}`)));
const receiptTrees = [
  receiptsTreeVector([receiptVectors[0]!.digest]),
  receiptsTreeVector([receiptVectors[0]!.digest, receiptVectors[1]!.digest]),
  receiptsTreeVector([receiptVectors[2]!.digest, receiptVectors[3]!.digest, synthetic(1, "x")[0]!]),
  receiptsTreeVector(synthetic(8, "eight")),
  receiptsTreeVector(synthetic(13, "thirteen")),
];

const pools = [
  { poolId, pricePerGB: 2_000_000_000_000_000n, balance: 10n ** 30n }, // 0.002 token/GB, ample balance
  { poolId: pool2, pricePerGB: 1_000_000_000_000_000_000n, balance: 1_234_567n }, // 1 token/GB, underfunded
];
const credits = [
  {
    account: addr("relayA"),
    poolId,
    bytes: 2_048_576n,
    receiptIds: [receiptVectors[0]!.digest, receiptVectors[1]!.digest],
  },
  { account: addr("relayB"), poolId, bytes: 999_999n, receiptIds: [receiptVectors[2]!.digest] },
  { account: addr("relayA"), poolId: pool2, bytes: 3_000_000n, receiptIds: synthetic(3, "p2a") },
  { account: addr("relayB"), poolId: pool2, bytes: 1_000_001n, receiptIds: synthetic(2, "p2b") },
];
const previous = [
  {
    account: addr("relayA"),
    poolId,
    cumulativeAmount: 5_000n,
    epochBytes: 1n,
    epochAmount: 0n,
    receiptsRoot: synthetic(1, "old")[0]!,
  },
  {
    account: addr("ticketSigner"),
    poolId,
    cumulativeAmount: 777n,
    epochBytes: 10n,
    epochAmount: 777n,
    receiptsRoot: synthetic(1, "old2")[0]!,
  },
];
// Reference reward arithmetic.
const leaves: {
  account: Hex;
  poolId: Hex;
  cumulativeAmount: bigint;
  epochBytes: bigint;
  epochAmount: bigint;
  receiptsRoot: Hex;
}[] = [];
const poolTotals = [];
for (const p of pools) {
  const members = new Map<string, { bytes: bigint; ids: Hex[]; prev: bigint }>();
  for (const l of previous.filter((l) => l.poolId === p.poolId))
    members.set(l.account, { bytes: 0n, ids: [], prev: l.cumulativeAmount });
  for (const c of credits.filter((c) => c.poolId === p.poolId)) {
    const m = members.get(c.account) ?? { bytes: 0n, ids: [], prev: 0n };
    m.bytes += c.bytes;
    m.ids.push(...c.receiptIds);
    members.set(c.account, m);
  }
  const accs = [...members.keys()].sort();
  const raw = accs.map((a) => (members.get(a)!.bytes * p.pricePerGB) / 1_000_000_000n);
  const rawTotal = raw.reduce((x, y) => x + y, 0n);
  const amounts = rawTotal > p.balance ? raw.map((x) => (x * p.balance) / rawTotal) : raw;
  accs.forEach((a, i) => {
    const m = members.get(a)!;
    leaves.push({
      account: a as Hex,
      poolId: p.poolId,
      cumulativeAmount: m.prev + amounts[i]!,
      epochBytes: m.bytes,
      epochAmount: amounts[i]!,
      receiptsRoot: m.ids.length ? (receiptsTree(m.ids).root as Hex) : zero,
    });
  });
  poolTotals.push({
    poolId: p.poolId,
    bytes: accs.reduce((x, a) => x + members.get(a)!.bytes, 0n),
    rawAmount: rawTotal,
    amount: amounts.reduce((x, y) => x + y, 0n),
    scaled: rawTotal > p.balance,
  });
}
leaves.sort((a, b) => (a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : a.account < b.account ? -1 : 1));
const rewardTypes = ["address", "bytes32", "uint256", "uint256", "uint256", "bytes32"];
const values = leaves.map((l) => [
  l.account,
  l.poolId,
  l.cumulativeAmount.toString(),
  l.epochBytes.toString(),
  l.epochAmount.toString(),
  l.receiptsRoot,
]);
const rewardTree = StandardMerkleTree.of(values, rewardTypes);

const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17];
const rewardTrees = sizes.map((n) => {
  const vals = Array.from({ length: n }, (_, i) => [
    `0x${(i + 1).toString(16).padStart(40, "0")}`,
    poolId,
    (BigInt(i) * 10n ** 18n).toString(),
    (BigInt(i) * 1000n).toString(),
    (BigInt(i) * 10n ** 17n).toString(),
    i % 2 ? synthetic(1, `rr${i}`)[0]! : zero,
  ]);
  const t = StandardMerkleTree.of(vals, rewardTypes);
  return {
    values: vals,
    root: t.root,
    leafHashes: vals.map((v) => t.leafHash(v)),
    proofs: vals.map((_, i) => t.getProof(i)),
  };
});

out("rewards.json", {
  description:
    "Reward computation and trees. computeEpochRewards(pools, credits, previous) must give `leaves` (sorted by " +
    "poolId, account) and `poolTotals`. Reward tree = StandardMerkleTree.of(values, leafTypes); proofs[i] proves " +
    "leaves[i]. receiptsTrees: StandardMerkleTree over [receiptId] with leaf type bytes32; root bytes32(0) for no " +
    "receipts.",
  leafTypes: rewardTypes,
  pools,
  credits,
  previous,
  leaves,
  poolTotals,
  rewardTree: {
    root: rewardTree.root,
    leafHashes: values.map((v) => rewardTree.leafHash(v)),
    proofs: values.map((_, i) => rewardTree.getProof(i)),
  },
  rewardTrees,
  receiptsTrees: receiptTrees,
  emptyReceiptsRoot: zero,
});

// ---- wire formats ----
const u = (x: bigint | number, bytes: number) => numberToHex(BigInt(x), { size: bytes });
const sigField = (sig: Hex) => concat([u((sig.length - 2) / 2, 1), sig]);
const ticketRecord = (t: (typeof tickets)[number], sig: Hex) =>
  concat([t.poolId, t.streamId, t.viewer, u(t.notBefore, 8), u(t.notAfter, 8), u(t.maxBytes, 8), sigField(sig)]);
const receiptRecord = (r: (typeof receipts)[number], sig: Hex) =>
  concat([
    r.poolId,
    r.ticketHash,
    r.relay,
    u(r.segment, 8),
    u(r.chunk, 4),
    r.chunkHash,
    u(r.size, 4),
    u(r.deliveredAt, 8),
    sigField(sig),
  ]);
const batchTickets = [{ t: tickets[0]!, sig: ticketVectors[0]!.signature65 }];
const batchReceipts = receipts.map((r, i) => ({
  r,
  sig: i % 2 ? receiptVectors[i]!.signature64 : receiptVectors[i]!.signature65,
}));
const batch = concat([
  "0x01",
  u(batchTickets.length, 4),
  u(batchReceipts.length, 4),
  ...batchTickets.map(({ t, sig }) => ticketRecord(t, sig)),
  ...batchReceipts.map(({ r, sig }) => receiptRecord(r, sig)),
]);
const receiptsOnly = concat(["0x01", u(0, 4), u(1, 4), receiptRecord(receipts[0]!, receiptVectors[0]!.signature65)]);
const goodJson = { receipt: jsonOf(receipts[0]!), signature: receiptVectors[0]!.signature65 };
out("wire.json", {
  description:
    "Wire formats. JSON: single signed items, hex lowercase, uint64/uint256 decimal strings, uint32 JSON numbers. " +
    "Binary batch v1: 0x01 ‖ u32 ticketCount ‖ u32 receiptCount ‖ ticket records ‖ receipt records (big-endian), " +
    "each record ending in a signature-length byte (64|65) and the signature.",
  json: {
    signedTicket: { ticket: jsonOf(tickets[0]!), signature: ticketVectors[0]!.signature65 },
    signedReceipt: goodJson,
    signedClaimAuthorization: {
      authorization: jsonOf(authorizations[0]!),
      signature: authorizationVectors[0]!.signature65,
    },
    invalidSignedReceipts: [
      {
        name: "segment as number",
        value: { ...goodJson, receipt: { ...goodJson.receipt, segment: 0 } },
        field: "receipt.segment",
      },
      {
        name: "chunk as string",
        value: { ...goodJson, receipt: { ...goodJson.receipt, chunk: "0" } },
        field: "receipt.chunk",
      },
      {
        name: "size above uint32",
        value: { ...goodJson, receipt: { ...goodJson.receipt, size: 4294967296 } },
        field: "receipt.size",
      },
      {
        name: "deliveredAt with leading zero",
        value: { ...goodJson, receipt: { ...goodJson.receipt, deliveredAt: "01" } },
        field: "receipt.deliveredAt",
      },
      {
        name: "deliveredAt above uint64",
        value: { ...goodJson, receipt: { ...goodJson.receipt, deliveredAt: "18446744073709551616" } },
        field: "receipt.deliveredAt",
      },
      {
        name: "short poolId",
        value: { ...goodJson, receipt: { ...goodJson.receipt, poolId: "0x1234" } },
        field: "receipt.poolId",
      },
      {
        name: "relay not hex",
        value: { ...goodJson, receipt: { ...goodJson.receipt, relay: `0x${"g".repeat(40)}` } },
        field: "receipt.relay",
      },
      {
        name: "missing chunkHash",
        value: { ...goodJson, receipt: { ...goodJson.receipt, chunkHash: undefined } },
        field: "receipt.chunkHash",
      },
      {
        name: "unknown field",
        value: { ...goodJson, receipt: { ...goodJson.receipt, extra: 1 } },
        field: "receipt.extra",
      },
      {
        name: "signature 63 bytes",
        value: { ...goodJson, signature: goodJson.signature.slice(0, 128) },
        field: "signature",
      },
      { name: "missing signature", value: { receipt: goodJson.receipt }, field: "signature" },
      { name: "not an object", value: [1, 2], field: "(root)" },
    ],
  },
  binary: {
    batch: {
      hex: batch,
      tickets: batchTickets.map(({ t, sig }) => ({ ticket: jsonOf(t), signature: sig })),
      receipts: batchReceipts.map(({ r, sig }) => ({ receipt: jsonOf(r), signature: sig })),
    },
    receiptsOnly: { hex: receiptsOnly },
    invalid: [
      { name: "empty", hex: "0x", code: "WIRE_TRUNCATED" },
      { name: "version 0x02", hex: `0x02${receiptsOnly.slice(4)}`, code: "WIRE_UNKNOWN_VERSION" },
      { name: "version 0x00", hex: `0x00${receiptsOnly.slice(4)}`, code: "WIRE_UNKNOWN_VERSION" },
      { name: "header cut", hex: receiptsOnly.slice(0, 2 + 2 * 6), code: "WIRE_TRUNCATED" },
      { name: "last byte missing", hex: batch.slice(0, -2), code: "WIRE_TRUNCATED" },
      { name: "trailing byte", hex: `${batch}00`, code: "WIRE_TRAILING_BYTES" },
      {
        name: "count larger than data",
        hex: concat(["0x01", u(0, 4), u(2, 4), receiptRecord(receipts[0]!, receiptVectors[0]!.signature65)]),
        code: "WIRE_TRUNCATED",
      },
      {
        name: "signature length byte 66",
        hex: concat([
          "0x01",
          u(0, 4),
          u(1, 4),
          receiptRecord(receipts[0]!, receiptVectors[0]!.signature65).slice(0, 2 + 280),
          "0x42",
          receiptVectors[0]!.signature65,
          "0x00",
        ] as Hex[]),
        code: "WIRE_INVALID_FIELD",
      },
    ],
  },
});
console.log("wrote test/vectors/{eip712,signatures,rewards,wire}.json");
