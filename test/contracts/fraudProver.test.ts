// The TypeScript proof builders against the Solidity FraudProver: every fault findProvableFaults lists in the shared
// scenarios (test/protocol/fraud/fraudScenarios.ts) is encoded with encodeFraudProof and checked on chain, against
// the FraudProofSourceHarness holding the scenario's posts (dataHash v2, claim roots) and the fixture's price and
// ticket signer.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, type Hex, slice } from "viem";
import { buildRelayTotalProof } from "../../src/protocol/fraud/buildRelayTotalProof.ts";
import { encodeFraudProof } from "../../src/protocol/fraud/encodeFraudProof.ts";
import { findProvableFaults } from "../../src/protocol/fraud/findProvableFaults.ts";
import { type FraudEpoch, fraudProofKinds } from "../../src/protocol/fraud/types.ts";
import { addresses, domain, epochParams, poolId } from "../protocol/fixtures.ts";
import { fraudEpoch, fraudFacts, PRICE } from "../protocol/fraud/fraudEpochFixture.ts";
import { fraudScenarios, kindsAndModes } from "../protocol/fraud/fraudScenarios.ts";

const POST_SEQ = 7n;

async function deploy() {
  const { viem } = await network.create();
  // The fixture signs with test/protocol/fixtures.ts's domain: its verifyingContract is the first contract deployed.
  const source = await viem.deployContract("FraudProofSourceHarness", [
    epochParams.genesisTime,
    epochParams.epochSeconds,
    10n ** 18n,
  ]);
  assert.equal(source.address.toLowerCase(), domain.verifyingContract.toLowerCase(), "the fixture's domain");
  const prover = await viem.deployContract("FraudProver", [
    source.address,
    (await viem.deployContract("FraudReceiptVerifier")).address,
    (await viem.deployContract("FraudTotalsVerifier")).address,
    (await viem.deployContract("FraudHistoryVerifier")).address,
  ]);
  await source.write.setProver([prover.address]);
  await source.write.setSigner([poolId, addresses.ticketSigner]);
  return { source, prover };
}

type Deployed = Awaited<ReturnType<typeof deploy>>;

/** Posts `e` (pending, POST_SEQ) with its claim root and stored dataHash (first 27 bytes), and the price in force. */
async function post({ source }: Deployed, e: FraudEpoch) {
  await source.write.setPost([e.epoch, e.claimTree!.root as Hex, slice(e.dataHash, 0, 27), POST_SEQ, 1]);
  await source.write.setPrice([poolId, e.epoch, PRICE]);
}

/** The FraudProofInvalid(kind, reason) a call reverted with, or undefined. */
function invalidReason(error: unknown): readonly [number, number] | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  if (revert?.data?.errorName !== "FraudProofInvalid") return undefined;
  const [kind, reason] = revert.data.args as [number, number];
  return [Number(kind), Number(reason)];
}

describe("FraudProver: proofs built by src/protocol/fraud", () => {
  let d: Deployed;
  before(async () => {
    d = await deploy();
  });

  for (const scenario of fraudScenarios.filter((s) => s.expected.length > 0))
    it(`${scenario.name}: every fault found is proven on chain`, async () => {
      const { judged, earlier } = scenario.build();
      for (const e of [...earlier, judged]) await post(d, e);
      const faults = findProvableFaults(judged, fraudFacts(earlier));
      assert.deepEqual(kindsAndModes(faults), scenario.expected);
      for (const f of faults) {
        const kind = fraudProofKinds.indexOf(f.kind);
        const proof = encodeFraudProof(f.kind, f.proof as never);
        try {
          assert.equal(await d.prover.read.checkFault([judged.epoch, kind, proof]), POST_SEQ);
        } catch (error) {
          assert.fail(`${f.kind} (${f.message}) refused on chain: ${JSON.stringify(invalidReason(error))} ${error}`);
        }
      }
    });

  it("proveFault with a TS-built proof rejects the post and pays the sender", async () => {
    const scenario = fraudScenarios.find((s) => s.name.startsWith("cumulative: an account of epoch 0 dropped"))!;
    const { judged, earlier } = scenario.build();
    for (const e of [...earlier, judged]) await post(d, e);
    const [fault] = findProvableFaults(judged, fraudFacts(earlier));
    assert.ok(fault);
    const count = (await d.source.read.rejectionCount()) as bigint;
    await d.prover.write.proveFault([
      judged.epoch,
      fraudProofKinds.indexOf(fault.kind),
      encodeFraudProof(fault.kind, fault.proof as never),
    ]);
    assert.equal(await d.source.read.rejectionCount(), count + 1n);
    const [epoch, postSeq] = (await d.source.read.rejections([count])) as readonly [bigint, bigint, Hex];
    assert.equal(epoch, judged.epoch);
    assert.equal(postSeq, POST_SEQ);
  });

  it("a TS-built proof against an honest epoch is refused on chain (no fault)", async () => {
    const honest = fraudEpoch();
    await post(d, honest);
    const proof = encodeFraudProof("relayTotal", buildRelayTotalProof(honest, 0));
    await assert.rejects(d.prover.read.checkFault([honest.epoch, 3, proof]), (error) => {
      assert.deepEqual(invalidReason(error), [3, 0]);
      return true;
    });
  });
});
