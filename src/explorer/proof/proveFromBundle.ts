import { readBundleItems } from "../../protocol/bundle/readBundleItems.ts";
import { buildMerkleTree } from "../../protocol/tree/buildMerkleTree.ts";
import { hashRewardLeaves } from "../../protocol/tree/hashRewardLeaves.ts";
import type { Address, Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";

/** One of the account's leaves with the proof rebuilt in the browser. */
export type BundleLeafProof = { leaf: RewardLeaf; leafHash: Hex; proof: Hex[] };

export type BundleProofs = {
  /** Leaf lines read (every one hashed: the reward tree is sorted by leaf hash, so a proof needs them all). */
  leafCount: number;
  /** Root of the tree rebuilt from those leaf hashes (null for a bundle without leaves). */
  root: Hex | null;
  /** The account's leaves, one per pool it has a leaf in, with their proofs. */
  leaves: BundleLeafProof[];
};

/**
 * Rebuilds the proofs of `account`'s leaves from a bundle's bytes, streamed: every line goes through the one bundle
 * parser (readBundleItems), only 32 bytes per leaf (its StandardMerkleTree hash) and the account's own leaves are
 * kept, and the tree is built from those hashes once the end line has been read (the parser refuses a truncated
 * file). `startAt: "leaf"` when the stream starts at the first leaf line (the aggregator's leaf section).
 * Throws ExplorerError BUNDLE_MALFORMED naming the line and field of the parser's finding.
 */
export async function proveFromBundle(args: {
  body: ReadableStream<Uint8Array>;
  startAt: "header" | "leaf";
  account: Address;
  keccak: Keccak256;
}): Promise<BundleProofs> {
  const account = args.account.toLowerCase();
  let hashes = new Uint8Array(32 * 4096);
  let n = 0;
  const mine: { index: number; leaf: RewardLeaf }[] = [];
  try {
    for await (const item of readBundleItems(chunks(args.body), {
      startAt: args.startAt,
      skipTicketsAndReceipts: true,
    })) {
      if (item.type !== "leaf") continue;
      const { type: _type, line: _line, ...leaf } = item;
      if ((n + 1) * 32 > hashes.length) {
        const grown = new Uint8Array(hashes.length * 2);
        grown.set(hashes);
        hashes = grown;
      }
      hashes.set(hashRewardLeaves([leaf], args.keccak), n * 32);
      if (leaf.account === account) mine.push({ index: n, leaf });
      n++;
    }
  } catch (cause) {
    if ((cause as { code?: string }).code === "BUNDLE_MALFORMED")
      throw new ExplorerError("BUNDLE_MALFORMED", (cause as { shortMessage: string }).shortMessage, { cause });
    throw new ExplorerError("BUNDLE_UNREACHABLE", `The bundle stream broke off: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (n === 0) return { leafCount: 0, root: null, leaves: [] };
  const tree = buildMerkleTree(hashes.subarray(0, n * 32), args.keccak);
  return {
    leafCount: n,
    root: tree.root,
    leaves: mine.map(({ index, leaf }) => ({
      leaf,
      leafHash: bytesToHex(hashes, index * 32, index * 32 + 32),
      proof: tree.getProof(index),
    })),
  };
}

/** The chunks of a fetch body (ReadableStream is not async-iterable in every browser). */
async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = body.getReader();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      yield value;
    }
  } finally {
    // A reader that stops early (a malformed line) cancels the download instead of leaving it running.
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
