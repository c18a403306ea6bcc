import type { FraudProofGasResult } from "../fraudProofGas.ts";

/** The "Fraud proofs" section of docs/gas.md (markdown, from its heading on) for a measureFraudProofGas result. */
export function formatFraudProofGasSection(fraud: FraudProofGasResult): string {
  const fmt = (n: bigint | number) => Number(n).toLocaleString("en-US");
  return `## Fraud proofs

One \`FraudProver.proveFault\` transaction per fault kind of issue 12 (docs/fraud-proofs.md), its gasUsed as measured
by scripts/bench/fraudProofGas.ts (intrinsic gas and calldata included; \`npx hardhat run scripts/bench/fraudProofGas.ts\`
measures and records only these). The epochs are built in TypeScript with the protocol library (buildFraudEpoch, the
per-kind proof builders, encodeFraudProof), one judged epoch holding one fault of each kind, each in its own leaf, pool
or ticket, and the epoch before it: claim trees of 2^${fraud.claimDepth} leaves in both, a tickets tree of 2^${fraud.ticketsDepth} leaves,
${fraud.postedPools} posted pool totals, and each faulty leaf backed by a relay receipts tree of 2^${fraud.receiptDepth} receipts (its ticket's receipts
tree as large). The receipts a proof opens are signed with real keys; the other receipts, claim leaves and tickets are
distinct synthetic leaves of the same trees. The source is FraudProofSourceHarness (contracts/test), standing in for
the distributor until it implements IFraudProofSource: its \`rejectProven\` only records the rejection, so the
distributor's reject, slash and payout (about the cost of an upheld challenge, gas.reject.worstCase above) are not in
these figures. Each kind uses its most expensive mode that the library's builders produce (mode as the contract
numbers it); every transaction succeeded and the source recorded the rejection, and the honest counterpart of the
badSignature proof (the same leaf's receipt signed by the viewer) is refused with ${fraud.honestRefusal}. A figure
over the target is in bold. The chain runs hardfork osaka, so a transaction pays at least the EIP-7623 calldata
floor (21,000 + 10 gas a zero byte, 40 a nonzero byte of calldata, instead of 4 and 16 on top of execution): a
figure marked (floor) is calldata-bound, and only a smaller proof lowers it. The harness's \`rejectProven\` (it
stores a rejection record in four fresh storage slots) is in every figure above the floor; the distributor's own
rejectProven will replace it.

| kind (gas.fraudProof.<kind>) | mode | gas | target | EIP-7623 floor | calldata at 16/4 a byte | proof bytes | what the proof opens |
| --- | --- | --- | --- | --- | --- | --- | --- |
${fraud.rows.map((r) => `| ${r.kind} | ${r.mode} | ${r.gas > 400_000n ? `**${fmt(r.gas)}**` : fmt(r.gas)}${r.gas === r.floorGas ? " (floor)" : ""} | <= 400,000 | ${fmt(r.floorGas)} | ${fmt(r.calldataGas)} | ${fmt(r.proofBytes)} | ${r.opens} |`).join("\n")}
`;
}
