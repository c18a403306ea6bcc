import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import { buildPositionSumTree } from "../sumtree/buildPositionSumTree.ts";
import type { Keccak256 } from "../types.ts";
import { compare32, writeHex } from "../utils/bytes.ts";
import { hashReceiptNode } from "./hashReceiptNode.ts";
import type { ReceiptNode, RelayReceiptsTree } from "./types.ts";

/** Adds receipts one at a time, in ascending receiptId, then builds the tree once. */
export type RelayReceiptsTreeBuilder = {
  /** Hashes one receipt (hashReceiptNode) and appends it; its receiptId must not be below the previous one. */
  add(receipt: ReceiptNode): void;
  /** The number of receipts added so far. */
  readonly length: number;
  /** Builds the tree (root hash = receiptsRoot, root sum = epochBytes, length = receiptCount); the builder is spent. */
  finish(): RelayReceiptsTree;
};

/**
 * A builder of one claim leaf's relay receipts tree (docs/fraud-proofs.md, "New commitments") for a caller that
 * streams the leaf's receipts in ascending receiptId: it keeps 32 bytes of hash, 32 of receiptId and 8 of size a
 * receipt (flat, doubling buffers), nothing per receipt object. Equal consecutive receiptIds are accepted (a
 * receipt credited twice is a fault the duplicate proof shows; an honest caller never adds one); a receiptId below
 * the previous one throws INVALID_ARGUMENT (`receipt.receiptId`), as does a malformed receipt (hashReceiptNode).
 * Pass createFastKeccak256() as `keccak` for large trees.
 */
export function createRelayReceiptsTreeBuilder(keccak: Keccak256 = keccak256): RelayReceiptsTreeBuilder {
  let capacity = 16;
  let hashes = new Uint8Array(capacity * 32);
  let ids = new Uint8Array(capacity * 32);
  let sizes = new BigUint64Array(capacity);
  let n = 0;
  let spent = false;
  const grow = () => {
    capacity *= 2;
    const h = new Uint8Array(capacity * 32);
    h.set(hashes);
    hashes = h;
    const i = new Uint8Array(capacity * 32);
    i.set(ids);
    ids = i;
    const s = new BigUint64Array(capacity);
    s.set(sizes);
    sizes = s;
  };
  return {
    add(receipt) {
      if (spent) throw new ProtocolError("INVALID_ARGUMENT", "This relay receipts tree builder has already finished.");
      const hash = hashReceiptNode(receipt, keccak);
      if (n === capacity) grow();
      writeHex(ids, n * 32, receipt.receiptId, 32, "receipt.receiptId");
      if (n > 0 && compare32(ids, (n - 1) * 32, ids, n * 32) > 0)
        throw new ProtocolError(
          "INVALID_ARGUMENT",
          `Receipt ${receipt.receiptId} comes after a greater receiptId: a relay receipts tree is sorted by receiptId.`,
          { field: "receipt.receiptId" },
        );
      writeHex(hashes, n * 32, hash, 32, "receipt");
      sizes[n] = BigInt(receipt.size);
      n++;
    },
    get length() {
      return n;
    },
    finish() {
      if (spent) throw new ProtocolError("INVALID_ARGUMENT", "This relay receipts tree builder has already finished.");
      spent = true;
      const tree = buildPositionSumTree(hashes.subarray(0, n * 32), sizes.subarray(0, n), keccak);
      return Object.assign(tree, { receiptIds: ids.slice(0, n * 32) });
    },
  };
}
