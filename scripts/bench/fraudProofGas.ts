/**
 * Gas of a fraud proof of each fault kind of issue 12 (docs/fraud-proofs.md), measured as the gasUsed of a real
 * FraudProver.proveFault transaction on Hardhat's in-process chain, against epochs built in TypeScript with the
 * protocol library: claim trees of 2^20 leaves (depth 20), a tickets tree of 2^20 leaves, the faulty leaf backed by
 * 2^16 receipts, 128 posted pool totals, proofs from the library's per-kind builders (encodeFraudProof).
 *
 * Run alone: npx hardhat run scripts/bench/fraudProofGas.ts   (records gas.fraudProof.<kind> in bench-results.json and
 * rewrites the "Fraud proofs" section of docs/gas.md); scripts/bench/gas.ts (npm run bench) runs it too.
 * One to two minutes of tree building and about 3 GB of memory at the default sizes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { BaseError, ContractFunctionRevertedError, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildAmountProof } from "../../src/protocol/fraud/buildAmountProof.ts";
import { buildBadSignatureProof } from "../../src/protocol/fraud/buildBadSignatureProof.ts";
import { buildBadTicketProof } from "../../src/protocol/fraud/buildBadTicketProof.ts";
import { buildCumulativeProof } from "../../src/protocol/fraud/buildCumulativeProof.ts";
import { buildDuplicateProof } from "../../src/protocol/fraud/buildDuplicateProof.ts";
import { buildMaxBytesProof } from "../../src/protocol/fraud/buildMaxBytesProof.ts";
import { buildPoolTotalProof } from "../../src/protocol/fraud/buildPoolTotalProof.ts";
import { buildRelayTotalProof } from "../../src/protocol/fraud/buildRelayTotalProof.ts";
import { encodeFraudProof } from "../../src/protocol/fraud/encodeFraudProof.ts";
import { type FraudProofByKind, type FraudProofKind, fraudProofKinds } from "../../src/protocol/fraud/types.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { getPositionSumDepth as depthOf } from "../../src/protocol/sumtree/getPositionSumDepth.ts";
import { buildFraudBenchEpochs } from "./fraud/buildFraudBenchEpochs.ts";
import { deployFraudProofSource } from "./fraud/deployFraudProofSource.ts";
import { formatFraudProofGasSection } from "./fraud/formatFraudProofGasSection.ts";
import { recordResults } from "./results.ts";

/** The sizes of the bench's trees (defaults: the issue's worst case). */
export type FraudProofGasOptions = {
  /** Claim trees of 2^claimDepth leaves (20). */
  readonly claimDepth?: number;
  /** 2^receiptDepth receipts behind each faulty leaf and in its ticket's receipts tree (16). */
  readonly receiptDepth?: number;
  /** A tickets tree of 2^ticketsDepth leaves in the judged epoch (claimDepth). */
  readonly ticketsDepth?: number;
  /** Pool totals posted in the judged epoch (128, MAX_POOL_TOTALS). */
  readonly postedPools?: number;
  /** The chain to measure on (a new in-process connection by default). */
  readonly connection?: NetworkConnection;
  /** Progress lines (console.log by default). */
  readonly log?: (line: string) => void;
};

/** One kind's figure: the gas of its proveFault transaction and what the proof opened. */
export type FraudProofGasRow = {
  readonly kind: FraudProofKind;
  /** The proof struct's `mode` as the contract numbers it. */
  readonly mode: number;
  /** gasUsed of the proveFault transaction (intrinsic and calldata included). */
  readonly gas: bigint;
  /** Length of the `proof` argument in bytes. */
  readonly proofBytes: number;
  /** The transaction's calldata gas (EIP-2028: 16 a nonzero byte, 4 a zero byte), part of `gas`. */
  readonly calldataGas: bigint;
  /** The transaction's EIP-7623 floor (21,000 + 10 a zero byte + 40 a nonzero byte): `gas` is never below it, and
   * equals it when execution costs less than six times the calldata. */
  readonly floorGas: bigint;
  /** What the proof opens, for docs/gas.md. */
  readonly opens: string;
};

export type FraudProofGasResult = {
  readonly claimDepth: number;
  readonly receiptDepth: number;
  readonly ticketsDepth: number;
  readonly postedPools: number;
  /** One row per kind, in kind order (0 badSignature … 7 maxBytes). */
  readonly rows: readonly FraudProofGasRow[];
  /** The honest counterpart that was refused: FraudProofInvalid(kind, 0) as the chain reported it. */
  readonly honestRefusal: string;
  /** Wall-clock seconds spent building the trees. */
  readonly buildSeconds: number;
};

const GENESIS = 1_767_225_600n;
const EPOCH_SECONDS = 3_600n;
const EPOCH = 10n;
const PRICE = 10_000n; // token base units per 1e9 bytes: $0.01/GB at 6 decimals
const KEYS = {
  viewer: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  ticketSigner: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  stranger: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const satisfies Record<string, Hex>;

/**
 * Builds one faulty epoch (and its previous epoch) at the given sizes, deploys the verifiers, a FraudProver and its
 * source, and sends one proveFault per fault kind, each from the same chain state (a snapshot), using the most
 * expensive mode the library's builders produce for that kind. Each transaction must succeed and the source must
 * record the rejection of the judged post; the honest counterpart of the badSignature proof (the same leaf's
 * receipt that the viewer did sign) must be refused with FraudProofInvalid(0, 0). Throws otherwise.
 */
export async function measureFraudProofGas(options: FraudProofGasOptions = {}): Promise<FraudProofGasResult> {
  const claimDepth = options.claimDepth ?? 20;
  const receiptDepth = options.receiptDepth ?? 16;
  const ticketsDepth = options.ticketsDepth ?? claimDepth;
  const postedPools = options.postedPools ?? 128;
  const log = options.log ?? ((line: string) => console.log(line));
  const connection = options.connection ?? (await network.connect());
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [sender] = await viem.getWalletClients();

  const deployment = await deployFraudProofSource(connection, {
    genesisTime: GENESIS,
    epochSeconds: EPOCH_SECONDS,
    challengerBond: 10n ** 17n,
  });
  const domain = { chainId: await publicClient.getChainId(), verifyingContract: deployment.source };
  const started = performance.now();
  const keccak = await createFastKeccak256();
  const { previous, current, at } = buildFraudBenchEpochs({
    claimDepth,
    receiptDepth,
    ticketsDepth,
    postedPools,
    domain,
    genesisTime: GENESIS,
    epochSeconds: EPOCH_SECONDS,
    epoch: EPOCH,
    price: PRICE,
    keys: KEYS,
    keccak,
    log,
  });
  const buildSeconds = (performance.now() - started) / 1000;
  log(`fraud bench: trees built in ${buildSeconds.toFixed(1)} s`);
  const poolId = current.claims[at.amount]!.leaf.poolId;
  await deployment.post(previous, 1n, 3);
  await deployment.post(current, 2n, 1);
  await deployment.setPrice(poolId, EPOCH, PRICE);
  await deployment.setTicketSigner(poolId, privateKeyToAccount(KEYS.ticketSigner).address);

  const proofs: { [K in FraudProofKind]: { proof: FraudProofByKind[K]; opens: string } } = {
    badSignature: {
      proof: buildBadSignatureProof(current, at.badSignature),
      opens: `claim leaf (OpenZeppelin proof, ${claimDepth} levels) and its epochCommitment preimage, receipt node and its receipts-tree path (${receiptDepth} levels), the signed receipt (EIP-712 id), a 65-byte signature recovered to another address than the ticket's viewer, the ticket`,
    },
    badTicket: {
      proof: buildBadTicketProof(current, at.badTicket),
      opens: `as badSignature without the viewer signature, plus EpochDataV2, the ticket's tickets-tree leaf and path (${ticketsDepth} levels) and the ticket signature, recovered to another address than ticketSignerAt (every earlier check holds)`,
    },
    duplicate: {
      proof: buildDuplicateProof(current, {
        mode: 0,
        first: at.duplicate,
        otherEpoch: previous,
        second: at.duplicateFirst,
      }),
      opens: `two receipt memberships of one (ticketHash, segment, chunk), in this epoch and the previous one: two claim proofs (${claimDepth} levels) with preimages, two receipts-tree paths (${receiptDepth} levels), the previous post read from the source`,
    },
    relayTotal: {
      proof: buildRelayTotalProof(
        current,
        at.relayTotal,
        Math.max(0, current.claims[at.relayTotal]!.receipts.length - 1),
      ),
      opens: `claim leaf (${claimDepth} levels) and preimage, one receipts-tree path (${receiptDepth} levels) whose root sum is not epochBytes`,
    },
    amount: {
      proof: buildAmountProof(current, at.amount),
      opens: `claim leaf (${claimDepth} levels) and preimage, EpochDataV2, the pool's pools-tree leaf and path (${depthOf(current.pools.length)} levels), priceAt`,
    },
    cumulative: {
      proof: buildCumulativeProof(current, { mode: 2, previous, previousClaim: at.droppedClaim }),
      opens: `an account dropped from the accounting trees: its claim leaf in the previous epoch (${claimDepth} levels) and preimage, EpochDataV2, its pool's leaf and path (${depthOf(current.pools.length)} levels), and the two neighbours bracketing it in the pool's accounts tree (2 paths of ${depthOf(Number(current.pools.find((p) => p.poolId === poolId)!.leafCount))} levels)`,
    },
    poolTotal: {
      proof: buildPoolTotalProof(current, { mode: 3, postedIndex: at.postedWithoutPool }),
      opens: `the ${current.posted.length} posted pool totals (poolTotalsHash preimage), EpochDataV2, and the two pools-tree neighbours (2 paths of ${depthOf(current.pools.length)} levels) bracketing a posted pool without a leaf`,
    },
    maxBytes: {
      proof: buildMaxBytesProof(current, { mode: 6, credited: at.notInTicket }),
      opens: `a credited receipt (claim proof ${claimDepth} levels, preimage, receipts-tree path ${receiptDepth} levels), its ticket's tickets-tree leaf and path (${ticketsDepth} levels), and the two neighbours bracketing its (segment, chunk) in the ticket's receipts tree (2 paths of ${receiptDepth} levels)`,
    },
  };

  const prover = await viem.getContractAt("FraudProver", deployment.prover);
  const before = await networkHelpers.takeSnapshot();
  const rows: FraudProofGasRow[] = [];
  for (const [kindIndex, kind] of fraudProofKinds.entries()) {
    const { proof, opens } = proofs[kind];
    const bytes = encodeFraudProof(kind, proof as never);
    const hash = await prover.write.proveFault([EPOCH, kindIndex, bytes], { account: sender!.account });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`proveFault(${kind}) reverted`);
    const rejections = await deployment.rejections();
    const rejected = rejections.length === 1 && rejections[0]!.epoch === EPOCH && rejections[0]!.postSeq === 2n;
    if (!rejected) throw new Error(`proveFault(${kind}) succeeded but the source did not record one rejection`);
    const mode = "mode" in proof ? Number(proof.mode) : 0;
    const { input } = await publicClient.getTransaction({ hash });
    rows.push({
      kind,
      mode,
      gas: receipt.gasUsed,
      proofBytes: (bytes.length - 2) / 2,
      calldataGas: 4n * calldataTokens(input),
      floorGas: 21_000n + 10n * calldataTokens(input),
      opens,
    });
    log(`fraud bench: ${kind} (mode ${mode}): ${receipt.gasUsed} gas, ${(bytes.length - 2) / 2} proof bytes`);
    await before.restore();
  }

  // The honest counterpart: the same leaf's receipt that the viewer signed proves nothing.
  const honest = encodeFraudProof("badSignature", buildBadSignatureProof(current, at.goodSignature));
  const honestRefusal = await refusalOf(() => prover.read.checkFault([EPOCH, 0, honest]));
  if (honestRefusal !== "FraudProofInvalid(0, 0)")
    throw new Error(`the honest receipt's badSignature proof was not refused as "no fault": ${honestRefusal}`);
  log(`fraud bench: the honest receipt's badSignature proof is refused with ${honestRefusal}`);
  return { claimDepth, receiptDepth, ticketsDepth, postedPools, rows, honestRefusal, buildSeconds };
}

/** EIP-7623 calldata tokens of `data`: 1 a zero byte, 4 a nonzero byte. */
function calldataTokens(data: Hex): bigint {
  let tokens = 0n;
  for (let i = 2; i < data.length; i += 2) tokens += data.slice(i, i + 2) === "00" ? 1n : 4n;
  return tokens;
}

/** The custom error a call reverts with, as `Name(arg, …)`; "no revert" when it returns. */
async function refusalOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "no revert";
  } catch (err) {
    const reverted = err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data)
      return `${reverted.data.errorName}(${(reverted.data.args ?? []).map(String).join(", ")})`;
    throw err;
  }
}

if (process.argv.some((arg) => resolve(arg) === fileURLToPath(import.meta.url))) {
  const result = await measureFraudProofGas();
  // docs/gas.md: this section replaced (gas.ts writes it last), the rest as gas.ts last wrote it.
  const docs = resolve(import.meta.dirname, "../../docs/gas.md");
  const text = readFileSync(docs, "utf8");
  const at = text.indexOf("## Fraud proofs\n");
  writeFileSync(docs, `${at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at)}${formatFraudProofGasSection(result)}`);
  recordResults(
    Object.fromEntries(result.rows.map((r) => [`gas.fraudProof.${r.kind}`, { value: Number(r.gas), unit: "gas" }])),
  );
  console.table(
    result.rows.map(({ kind, mode, gas, floorGas, calldataGas, proofBytes }) => ({
      kind,
      mode,
      gas,
      floorGas,
      calldataGas,
      proofBytes,
    })),
  );
}
