import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { buildRewardTree, type RewardTree } from "../../protocol/tree/buildRewardTree.ts";
import type { Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import { readBundleLeaves } from "./readBundleLeaves.ts";

export type LeafProof = { leaf: RewardLeaf; leafHash: Hex; proof: Hex[]; root: Hex };

export type LeafIndex = {
  /** The leaf of (poolId, account) in the bundle at `path` with its proof, or undefined when it has none. */
  find(path: string, leavesOffset: number, poolId: string, account: string): Promise<LeafProof | undefined>;
  /** Every leaf of `account` in the bundle at `path` (one per pool it earned from), by poolId, with proofs. */
  findAccount(path: string, leavesOffset: number, account: string): Promise<LeafProof[]>;
  /**
   * Up to `limit` leaves of the bundle at `path` in bundle order (poolId, account), starting strictly after the
   * leaf (`after.poolId`, `after.account`) when given, with their hashes (no proofs); `more` when leaves follow.
   */
  list(
    path: string,
    leavesOffset: number,
    after: { poolId: string; account: string } | undefined,
    limit: number,
  ): Promise<{ leaves: { leaf: RewardLeaf; leafHash: Hex }[]; more: boolean }>;
};

/**
 * Serves leaves and proofs from bundle files: the tree of a bundle is rebuilt once from its leaf lines
 * (buildRewardTree, same proofs as StandardMerkleTree) and kept for the next requests (the last few bundles). A
 * bundle without leaves (an epoch posted with the empty root) has no tree and no leaf.
 */
export function createLeafIndex(options: { keep?: number } = {}): LeafIndex {
  const keep = options.keep ?? 3;
  const cache = new Map<
    string,
    Promise<{ tree: RewardTree | null; byKey: Map<string, number>; byAccount: Map<string, number[]> }>
  >();
  let keccak: Promise<Keccak256> | undefined;
  const load = async (path: string, leavesOffset: number) => {
    keccak ??= createFastKeccak256();
    const leaves = await readBundleLeaves(path, leavesOffset);
    // An epoch posted with the empty root (nobody has ever earned) has no tree: no account has a leaf in it.
    const tree = leaves.length === 0 ? null : buildRewardTree(leaves, await keccak);
    const byKey = new Map<string, number>();
    const byAccount = new Map<string, number[]>();
    leaves.forEach((l, i) => {
      byKey.set(`${l.poolId}:${l.account}`, i);
      const mine = byAccount.get(l.account);
      if (mine) mine.push(i);
      else byAccount.set(l.account, [i]);
    });
    return { tree, byKey, byAccount };
  };
  const entryFor = (path: string, leavesOffset: number) => {
    let entry = cache.get(path);
    if (!entry) {
      entry = load(path, leavesOffset);
      cache.set(path, entry);
      entry.catch(() => cache.delete(path));
      while (cache.size > keep) cache.delete(cache.keys().next().value!);
    }
    return entry;
  };
  const proofOf = (tree: RewardTree, i: number): LeafProof => ({
    leaf: tree.leaves[i]!,
    leafHash: tree.leafHash(i),
    proof: tree.getProof(i),
    root: tree.root,
  });
  return {
    async find(path, leavesOffset, poolId, account) {
      const { tree, byKey } = await entryFor(path, leavesOffset);
      const i = byKey.get(`${poolId.toLowerCase()}:${account.toLowerCase()}`);
      if (i === undefined || tree === null) return undefined;
      return proofOf(tree, i);
    },
    async findAccount(path, leavesOffset, account) {
      const { tree, byAccount } = await entryFor(path, leavesOffset);
      if (tree === null) return [];
      return (byAccount.get(account.toLowerCase()) ?? [])
        .map((i) => proofOf(tree, i))
        .sort((a, b) => (a.leaf.poolId < b.leaf.poolId ? -1 : a.leaf.poolId > b.leaf.poolId ? 1 : 0));
    },
    async list(path, leavesOffset, after, limit) {
      const { tree } = await entryFor(path, leavesOffset);
      if (tree === null) return { leaves: [], more: false };
      const leaves = tree.leaves;
      // Leaves are sorted by (poolId, account) in the bundle (docs/bundle.md): binary search the first one past `after`.
      let lo = 0;
      if (after) {
        const pool = after.poolId.toLowerCase();
        const account = after.account.toLowerCase();
        let hi = leaves.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const l = leaves[mid]!;
          const p = l.poolId.toLowerCase();
          const a = l.account.toLowerCase();
          if (p < pool || (p === pool && a <= account)) lo = mid + 1;
          else hi = mid;
        }
      }
      const end = Math.min(leaves.length, lo + limit);
      const page = [];
      for (let i = lo; i < end; i++) page.push({ leaf: leaves[i]!, leafHash: tree.leafHash(i) });
      return { leaves: page, more: end < leaves.length };
    },
  };
}
