import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { rewardDistributorAbi as distributorAbi, meshpayHasherAbi as hasherAbi } from "../../../contracts/abis.ts";
import { REWARD_LEAF_TYPES } from "../../../protocol/constants.ts";
import { createFastKeccak256 } from "../../../protocol/hash/createFastKeccak256.ts";
import { buildRewardTree } from "../../../protocol/tree/buildRewardTree.ts";
import { hashRewardLeaf } from "../../../protocol/tree/hashRewardLeaf.ts";
import { rewardLeafToValues } from "../../../protocol/tree/rewardLeafToValues.ts";
import { verifyMerkleProof } from "../../../protocol/tree/verifyMerkleProof.ts";
import type { Address, Hex, RewardLeaf } from "../../../protocol/types.ts";
import { downloadBundle } from "../../bundle/downloadBundle.ts";
import { parseDownloadedBundle } from "../../bundle/parseDownloadedBundle.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parseInteger, parsePoolId, tokenOfPool } from "../../chain/parseArguments.ts";
import { readEpochPost } from "../../chain/readEpochPost.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import type { TokenInfo } from "../../format/formatAmount.ts";

/** Rebuild the whole tree with @openzeppelin/merkle-tree up to this many leaves (it is ~40x slower than ours). */
const FULL_REBUILD_MAX_LEAVES = 20_000;

export type AuditCheck = { check: string; ok: boolean; detail: string };

export type AuditProofResult = {
  ok: boolean;
  epoch: bigint;
  status: "pending" | "claimable";
  poolId: Hex;
  account: Address;
  token: TokenInfo;
  root: Hex;
  bundle: { uri: string; hash: Hex; leaves: number };
  leaf: RewardLeaf;
  cumulativeAmount: AmountJson;
  epochAmount: AmountJson;
  claimed: AmountJson;
  leafHash: Hex;
  proof: Hex[];
  checks: AuditCheck[];
};

/**
 * `meshpay audit proof <pool> <account>`: takes the (account, pool) leaf from epoch N's public bundle (N = the latest
 * claimable epoch, else the latest posted), checks the bundle against the posted bundleHash, builds the proof, and
 * verifies it against the on-chain root three ways: with meshpay's own code, with @openzeppelin/merkle-tree's
 * StandardMerkleTree.verify (and a full StandardMerkleTree rebuild for bundles up to 20,000 leaves, or --full), and
 * the leaf hash with the contract's own MeshpayHasher. `ok` is false (exit 6) when any check fails.
 */
export async function auditProof(
  args: { poolId: string; account: string; epoch?: string; bundle?: string; full?: boolean },
  ctx: CommandContext,
): Promise<AuditProofResult> {
  const poolId = parsePoolId(args.poolId);
  const account = parseAddress(args.account, "account");
  const chain = await connectChain(ctx);
  let epoch: bigint;
  if (args.epoch !== undefined) epoch = parseInteger(args.epoch, "epoch");
  else {
    const [[hasClaimable, claimableEpoch], state] = await Promise.all([
      chain.publicClient.readContract({
        address: chain.distributor,
        abi: distributorAbi,
        functionName: "latestClaimableEpoch",
      }),
      chain.publicClient.readContract({ address: chain.distributor, abi: distributorAbi, functionName: "systemState" }),
    ]);
    if (hasClaimable) epoch = claimableEpoch;
    else if (state.nextEpoch > 0n) epoch = state.nextEpoch - 1n;
    else throw new CliError("NOT_FOUND", "No epoch has been posted yet: there is nothing to audit.");
  }
  const post = await readEpochPost(chain, epoch);
  const downloaded = await downloadBundle(ctx, args.bundle ?? post.bundleURI, `Epoch ${epoch} bundle`);
  const checks: AuditCheck[] = [];
  const hashOk = downloaded.hash === post.bundleHash;
  checks.push({
    check: "bundle hash",
    ok: hashOk,
    detail: hashOk
      ? `keccak256 of the bundle is the posted ${post.bundleHash}`
      : `the bundle hashes to ${downloaded.hash}, not the posted ${post.bundleHash}`,
  });
  const bundle = parseDownloadedBundle(downloaded.bytes, { skipTicketsAndReceipts: true });
  const headerOk = bundle.header.root === post.root && bundle.header.epoch === epoch;
  checks.push({
    check: "bundle header",
    ok: headerOk,
    detail: headerOk
      ? `the header names epoch ${epoch} and the on-chain root`
      : `the header names epoch ${bundle.header.epoch} and root ${bundle.header.root}`,
  });
  const index = bundle.leaves.findIndex((l) => l.poolId === poolId && l.account === account.toLowerCase());
  if (index < 0)
    throw new CliError(
      "NOT_FOUND",
      `Epoch ${epoch}'s bundle has no leaf for ${account} in pool ${poolId}: it earned nothing there up to this epoch.`,
    );
  const { line: _line, ...leaf } = bundle.leaves[index]!;
  const tree = buildRewardTree(bundle.leaves, await createFastKeccak256());
  const proof = tree.getProof(index);
  const leafHash = hashRewardLeaf(leaf);

  const oursOk = verifyMerkleProof(post.root, leafHash, proof);
  checks.push({
    check: "meshpay proof",
    ok: oursOk,
    detail:
      `the ${proof.length}-step proof ${oursOk ? "leads" : "does not lead"} to the on-chain root (src/protocol ` +
      `verifyMerkleProof)`,
  });
  const values = rewardLeafToValues(leaf);
  const types = [...REWARD_LEAF_TYPES];
  let ozOk = false;
  try {
    ozOk = StandardMerkleTree.verify(post.root, types, values, proof);
  } catch {
    ozOk = false;
  }
  checks.push({
    check: "OpenZeppelin verify",
    ok: ozOk,
    detail: `StandardMerkleTree.verify(root, leaf, proof) is ${ozOk}`,
  });
  if (args.full || bundle.leaves.length <= FULL_REBUILD_MAX_LEAVES) {
    const oz = StandardMerkleTree.of(
      bundle.leaves.map((l) => rewardLeafToValues(l)),
      types,
    );
    const ozRoot = oz.root.toLowerCase();
    const rebuiltOk = ozRoot === post.root && StandardMerkleTree.verify(ozRoot, types, values, oz.getProof(index));
    checks.push({
      check: "OpenZeppelin rebuild",
      ok: rebuiltOk,
      detail: rebuiltOk
        ? `StandardMerkleTree.of(all ${bundle.leaves.length} leaves) has the on-chain root`
        : `StandardMerkleTree.of(all leaves) has root ${ozRoot}`,
    });
  }
  if (chain.deployment.hasher) {
    const onChain = (
      await chain.publicClient.readContract({
        address: chain.deployment.hasher,
        abi: hasherAbi,
        functionName: "leafHash",
        args: [leaf],
      })
    ).toLowerCase();
    checks.push({
      check: "contract leaf hash",
      ok: onChain === leafHash,
      detail: `MeshpayHasher.leafHash gives ${onChain}`,
    });
  }
  const [token, [claimed]] = await Promise.all([
    chain.token(tokenOfPool(poolId)),
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: distributorAbi,
      functionName: "claimed",
      args: [poolId, account],
    }),
  ]);
  return {
    ok: checks.every((c) => c.ok),
    epoch,
    status: post.status,
    poolId,
    account,
    token,
    root: post.root,
    bundle: { uri: downloaded.uri, hash: downloaded.hash, leaves: bundle.leaves.length },
    leaf,
    cumulativeAmount: amountJson(leaf.cumulativeAmount, token),
    epochAmount: amountJson(leaf.epochAmount, token),
    claimed: amountJson(claimed, token),
    leafHash,
    proof,
    checks,
  };
}
