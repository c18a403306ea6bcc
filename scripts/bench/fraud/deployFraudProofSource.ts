import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";
import type { FraudEpoch } from "../../../src/protocol/fraud/types.ts";

/** Status of a post as IFraudProofSource.fraudProofPost reports it. */
export type FraudPostStatus = 1 | 2 | 3;

/** A source of posts for the FraudProver, with the FraudProver that judges them. */
export type FraudProofDeployment = {
  /** The source (IFraudProofSource): the EIP-712 domain's verifyingContract. */
  readonly source: Address;
  /** The FraudProver judging the source's posts. */
  readonly prover: Address;
  /** Makes `epoch` the current post (postSeq `postSeq`) of the source with `status`. */
  post(epoch: FraudEpoch, postSeq: bigint, status: FraudPostStatus): Promise<void>;
  /** priceAt(poolId, epoch) in token base units per 1e9 bytes. */
  setPrice(poolId: Hex, epoch: bigint, price: bigint): Promise<void>;
  /** ticketSignerAt(poolId, ·). */
  setTicketSigner(poolId: Hex, signer: Address): Promise<void>;
  /** The rejections the source recorded (rejectProven calls), oldest first. */
  rejections(): Promise<{ epoch: bigint; postSeq: bigint; prover: Address }[]>;
};

/**
 * Deploys the three stateless fraud verifiers, a source of posts and a FraudProver judging that source. The source
 * is the FraudProofSourceHarness of contracts/test (posts, prices and ticket signers set directly); the
 * RewardDistributor implementing IFraudProofSource replaces it here once it is wired (only this function changes).
 * `genesisTime` in unix seconds, `epochSeconds` in seconds.
 */
export async function deployFraudProofSource(
  connection: NetworkConnection,
  config: { genesisTime: bigint; epochSeconds: bigint; challengerBond: bigint },
): Promise<FraudProofDeployment> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const send = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  };
  const harness = await viem.deployContract("FraudProofSourceHarness", [
    config.genesisTime,
    config.epochSeconds,
    config.challengerBond,
  ]);
  const receiptVerifier = await viem.deployContract("FraudReceiptVerifier", []);
  const totalsVerifier = await viem.deployContract("FraudTotalsVerifier", []);
  const historyVerifier = await viem.deployContract("FraudHistoryVerifier", []);
  const prover = await viem.deployContract("FraudProver", [
    harness.address,
    receiptVerifier.address,
    totalsVerifier.address,
    historyVerifier.address,
  ]);
  await send(await harness.write.setProver([prover.address]));
  return {
    source: harness.address,
    prover: prover.address,
    async post(epoch, postSeq, status) {
      if (!epoch.claimTree) throw new Error(`epoch ${epoch.epoch} has no claim tree`);
      const dataHash = epoch.dataHash.slice(0, 2 + 54) as Hex;
      await send(await harness.write.setPost([epoch.epoch, epoch.claimTree.root, dataHash, postSeq, status]));
    },
    async setPrice(poolId, epoch, price) {
      await send(await harness.write.setPrice([poolId, epoch, price]));
    },
    async setTicketSigner(poolId, signer) {
      await send(await harness.write.setSigner([poolId, signer]));
    },
    async rejections() {
      const count = (await harness.read.rejectionCount()) as bigint;
      const out: { epoch: bigint; postSeq: bigint; prover: Address }[] = [];
      for (let i = 0n; i < count; i++) {
        const [epoch, postSeq, prover] = (await harness.read.rejections([i])) as readonly [bigint, bigint, Address];
        out.push({ epoch, postSeq, prover });
      }
      return out;
    },
  };
}
