// Protocol library benchmarks: receipt signature path vs @noble/curves recovery, reward tree builder vs
// StandardMerkleTree, 1M-leaf build time and peak memory (in a child process). Run: node scripts/bench/protocol.ts
// Options: --quick (smaller OZ comparison, for smoke runs; figures are not recorded).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { REWARD_LEAF_TYPES } from "../../src/protocol/constants.ts";
import { createReceiptVerifier, type ReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import { publicKeyToAddress } from "../../src/protocol/signature/publicKeyToAddress.ts";
import { signDigest } from "../../src/protocol/signature/signDigest.ts";
import { buildRewardTree } from "../../src/protocol/tree/buildRewardTree.ts";
import { rewardLeafToValues } from "../../src/protocol/tree/rewardLeafToValues.ts";
import type { Address, ChunkReceipt, Hex, RewardLeaf } from "../../src/protocol/types.ts";
import { type BenchFigure, recordResults } from "./results.ts";
import { xorshift } from "./xorshift.ts";

const domain = { chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address };
const quick = process.argv.includes("--quick");

/** 0x-hex as a flat (sequential) string, like the strings JSON.parse or a database driver produce. */
const hex = (b: Uint8Array): Hex => {
  const out = Buffer.allocUnsafe(2 + 2 * b.length);
  out.write("0x", 0, "latin1");
  out.write(Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex"), 2, "latin1");
  return out.toString("latin1") as Hex;
};

function randomLeaves(n: number, seed: number): RewardLeaf[] {
  const r = xorshift(seed);
  const pools = Array.from({ length: 16 }, () => hex(r(32)));
  const leaves: RewardLeaf[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const amount = BigInt(`0x${Buffer.from(r(10)).toString("hex")}`);
    leaves[i] = {
      account: hex(r(20)),
      poolId: pools[i & 15]!,
      cumulativeAmount: amount * 3n,
      epochBytes: BigInt(i) * 1_000_003n,
      epochAmount: amount,
      receiptsRoot: hex(r(32)),
    };
  }
  return leaves;
}

/** Child mode: build a 1M-leaf tree, report time, one proof's time and peak RSS. */
async function child1m(n: number): Promise<void> {
  const keccak = await createFastKeccak256();
  const leaves = randomLeaves(n, 7);
  // Start the clock on a collected heap so the garbage of generating the inputs is not billed to the build.
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const tree = buildRewardTree(leaves, keccak);
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const reps = 1000;
  for (let i = 0; i < reps; i++) tree.getProof((i * 7919) % n);
  const proofMs = (performance.now() - t1) / reps;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, proofMs, peakMiB, root: tree.root }));
}

function rate(fn: () => number, minMs = 1500): number {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) count += fn();
  return count / ((performance.now() - start) / 1000);
}

async function benchVerify(figures: Record<string, BenchFigure>): Promise<void> {
  const r = xorshift(11);
  const viewers = Array.from({ length: 32 }, () => {
    let sk = r(32);
    while (!secp256k1.utils.isValidSecretKey(sk)) sk = r(32);
    return { sk: hex(sk), address: publicKeyToAddress(secp256k1.getPublicKey(sk, false)) };
  });
  const n = 2000;
  const items: { receipt: ChunkReceipt; signature: Hex; viewer: Address; digest: Uint8Array; recovered: Uint8Array }[] =
    [];
  for (let i = 0; i < n; i++) {
    const v = viewers[i % viewers.length]!;
    const receipt: ChunkReceipt = {
      poolId: hex(r(32)),
      ticketHash: hex(r(32)),
      relay: hex(r(20)),
      segment: BigInt(i >> 4),
      chunk: i & 15,
      chunkHash: hex(r(32)),
      size: 65536 + i,
      deliveredAt: 1_767_225_600_000n + BigInt(i),
    };
    const id = getReceiptId(receipt, domain);
    const signature = signDigest(id, v.sk);
    const sigBytes = Buffer.from(signature.slice(2), "hex");
    const recovered = new Uint8Array(65);
    recovered[0] = sigBytes[64]! - 27;
    recovered.set(sigBytes.subarray(0, 64), 1);
    items.push({ receipt, signature, viewer: v.address, digest: Buffer.from(id.slice(2), "hex"), recovered });
  }

  // Baseline: @noble/curves public-key recovery of (digest, signature), same run, one core.
  let k = 0;
  const nobleRate = rate(() => {
    const it = items[k++ % n]!;
    secp256k1.recoverPublicKey(it.recovered, it.digest, { prehash: false });
    return 1;
  });

  const node = await createNodeReceiptVerifier({ domain });
  const pass = (v: ReceiptVerifier) => () => {
    let ok = 0;
    for (const it of items) if (v.isSigner(v.receiptDigest(it.receipt), it.signature, it.viewer)) ok++;
    if (ok !== n) throw new Error(`only ${ok}/${n} receipts verified`);
    return n;
  };
  pass(node)(); // warm-up (also fills the public-key cache with each viewer's key)
  const nodeRate = rate(pass(node), 3000);
  const fresh = await createNodeReceiptVerifier({ domain, cacheSize: 0 });
  const uncachedRate = rate(() => {
    for (const it of items) fresh.isSigner(fresh.receiptDigest(it.receipt), it.signature, it.viewer);
    return n;
  });
  const js = createReceiptVerifier({ domain });
  const jsRate = rate(() => {
    for (let i = 0; i < 50; i++) {
      const it = items[k++ % n]!;
      js.isSigner(js.receiptDigest(it.receipt), it.signature, it.viewer);
    }
    return 50;
  });

  // Agreement corpus: the signature vectors plus 2,000 mutated signatures.
  const corpus = JSON.parse(readFileSync(new URL("../../test/vectors/signatures.json", import.meta.url), "utf8")) as {
    digest: Hex;
    signer: Address;
    cases: { signature: string }[];
  };
  const cases: { digest: Uint8Array; signature: string; signer: Address }[] = corpus.cases.map((c) => ({
    digest: Buffer.from(corpus.digest.slice(2), "hex"),
    signature: c.signature,
    signer: corpus.signer,
  }));
  for (let i = 0; i < 2000; i++) {
    const it = items[i % n]!;
    const sig = Buffer.from(it.signature.slice(2), "hex");
    const mode = i % 5;
    if (mode === 0) sig[r(1)[0]! % 65] ^= 1 << (r(1)[0]! % 8);
    if (mode === 1) sig[64] = r(1)[0]!;
    if (mode === 2) sig.set(r(32), 32);
    if (mode === 3) sig.set(r(32), 0);
    cases.push({ digest: it.digest, signature: mode === 4 ? hex(sig.subarray(0, 64)) : hex(sig), signer: it.viewer });
  }
  const decide = (v: ReceiptVerifier, c: (typeof cases)[number]) => {
    try {
      return v.isSigner(c.digest, c.signature as Hex, c.signer) ? "ACCEPT" : "WRONG_SIGNER";
    } catch (e) {
      if (e instanceof ProtocolError) return e.code;
      throw e;
    }
  };
  const jsFresh = createReceiptVerifier({ domain });
  let agree = 0;
  for (const c of cases) if (decide(jsFresh, c) === decide(node, c)) agree++;

  const ratio = nodeRate / nobleRate;
  console.log(`verify: @noble/curves recoverPublicKey          ${nobleRate.toFixed(0).padStart(8)} /s (baseline)`);
  console.log(
    `verify: Node path, digest + libsecp256k1 + key cache ${nodeRate.toFixed(0).padStart(8)} /s  ` +
      `${ratio.toFixed(1)}x baseline (target >= 20x)`,
  );
  console.log(
    `verify: Node path without key cache           ${uncachedRate.toFixed(0).padStart(8)} /s  ` +
      `${(uncachedRate / nobleRate).toFixed(1)}x baseline`,
  );
  console.log(
    `verify: browser path (noble + pure-JS keccak)  ${jsRate.toFixed(0).padStart(8)} /s  ` +
      `${(jsRate / nobleRate).toFixed(2)}x baseline`,
  );
  console.log(`verify: JS vs native accept/reject agreement: ${agree}/${cases.length} identical`);
  if (agree !== cases.length) throw new Error("backends disagree");
  figures["verify.ratioVsNobleRecover"] = { value: round(ratio, 2), unit: "x" };
}

async function benchTree(figures: Record<string, BenchFigure>): Promise<void> {
  const n = quick ? 10_000 : 100_000;
  const leaves = randomLeaves(n, 3);
  const values = leaves.map(rewardLeafToValues);
  const keccak = await createFastKeccak256();
  buildRewardTree(leaves.slice(0, 1000), keccak); // warm-up
  const t0 = performance.now();
  const ours = buildRewardTree(leaves, keccak);
  const oursS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const oz = StandardMerkleTree.of(values, [...REWARD_LEAF_TYPES]);
  const ozS = (performance.now() - t1) / 1000;
  if (ours.root !== oz.root) throw new Error("roots differ");
  for (let i = 0; i < 200; i++) {
    const j = (i * 7919) % n;
    if (JSON.stringify(ours.getProof(j)) !== JSON.stringify(oz.getProof(j))) throw new Error(`proof ${j} differs`);
  }
  const ratio = ozS / oursS;
  console.log(
    `tree: StandardMerkleTree.of ${n} leaves ${ozS.toFixed(2)} s (baseline); ours ${oursS.toFixed(3)} s  ` +
      `${ratio.toFixed(1)}x faster (target >= 25x); root and 200 proofs identical`,
  );
  if (!quick) figures["tree.ratioVsOz100k"] = { value: round(ratio, 1), unit: "x" };
}

function bench1m(figures: Record<string, BenchFigure>): void {
  const n = quick ? 100_000 : 1_000_000;
  const out = execFileSync(process.execPath, ["--expose-gc", import.meta.filename, "--child-1m", String(n)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const { seconds, proofMs, peakMiB } = JSON.parse(out) as { seconds: number; proofMs: number; peakMiB: number };
  console.log(
    `tree: ${n} leaves built in ${seconds.toFixed(2)} s (target <= 5 s); child peak RSS ${peakMiB.toFixed(0)} MiB ` +
      `incl. inputs (target <= 1024); one proof ${(proofMs * 1000).toFixed(1)} µs (target < 1 ms)`,
  );
  if (!quick) {
    figures["tree.build1m.seconds"] = { value: round(seconds, 2), unit: "s" };
    figures["tree.build1m.peakMiB"] = { value: round(peakMiB, 0), unit: "MiB" };
    figures["tree.build1m.proofMs"] = { value: round(proofMs, 4), unit: "ms" };
  }
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

if (process.argv[2] === "--child-1m") {
  await child1m(Number(process.argv[3]));
} else {
  const figures: Record<string, BenchFigure> = {};
  await benchVerify(figures);
  await benchTree(figures);
  bench1m(figures);
  if (!quick) recordResults(figures);
  console.log(
    quick ? "(quick run: nothing recorded)" : `recorded ${Object.keys(figures).join(", ")} in bench-results.json`,
  );
}
