import type { EpochCredit, EpochTamper, EpochTamperContext } from "../../src/aggregator/epoch/EpochTamper.ts";
import type { BundleReceiptRow as BundleReceipt } from "../../src/protocol/bundle/types.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { getRewardAmount } from "../../src/protocol/rewards/getRewardAmount.ts";
import { signDigest } from "../../src/protocol/signature/signDigest.ts";
import type { Hex } from "../../src/protocol/types.ts";
import type { FaultKind } from "./faultKinds.ts";

/** The key forge-receipt signs with: not any viewer's. */
export const FORGER_KEY: Hex = "0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

/** The relay a fault targets (configured, else the lowest relay address with receipts) and its first receipt. */
export type FaultTarget = { relay: Hex | undefined; base: BundleReceipt | undefined };

/** Each fault kind as a tamper of prepareEpoch (src/aggregator/epoch/EpochTamper.ts). */
export const faultTampers: Record<FaultKind, (target: FaultTarget, context: EpochTamperContext) => EpochTamper> = {
  "inflate-bytes": (target) => ({
    credits({ credits }) {
      const credit = credits.filter((c) => c.account === target.relay).sort(byPool)[0];
      if (!credit) return undefined;
      credit.bytes += Math.max(credit.bytes, 1_000_000);
      return `inflate-bytes: relay ${credit.account} in pool ${credit.poolId} credited extra bytes`;
    },
  }),
  "drop-relay-receipts": (target) => ({
    keepReceipt: (r) => r.relay !== target.relay,
    credits: () => (target.relay ? `drop-relay-receipts: every receipt of relay ${target.relay} left out` : undefined),
  }),
  "duplicate-receipt": ({ base }) => ({
    credits({ credits, addReceipt }) {
      const credit = base && creditOf(credits, base);
      if (!credit || !base) return undefined;
      addReceipt(base);
      credit.bytes += base.size;
      return `duplicate-receipt: receipt ${base.receiptId} listed and credited twice`;
    },
  }),
  "forge-receipt": ({ base }, context) => ({
    credits({ credits, addReceipt }) {
      const credit = base && creditOf(credits, base);
      if (!credit || !base) return undefined;
      const forged = {
        poolId: base.poolId as Hex,
        ticketHash: base.ticketHash as Hex,
        relay: base.relay as Hex,
        segment: BigInt(base.segment) + 1_000_000_007n,
        chunk: base.chunk,
        chunkHash: `0x${"f0".repeat(32)}` as Hex,
        size: base.size,
        deliveredAt: BigInt(base.deliveredAt),
      };
      const domain = { chainId: context.chainId, verifyingContract: context.distributor };
      const receiptId = getReceiptId(forged, domain, context.keccak);
      addReceipt({
        receiptId,
        poolId: forged.poolId,
        ticketHash: forged.ticketHash,
        relay: forged.relay,
        segment: forged.segment.toString(),
        chunk: forged.chunk,
        chunkHash: forged.chunkHash,
        size: forged.size,
        deliveredAt: forged.deliveredAt.toString(),
        signature: signDigest(receiptId, FORGER_KEY),
      });
      credit.bytes += forged.size;
      credit.receiptIds.push(receiptId);
      return `forge-receipt: receipt ${receiptId} signed by a key that is not the viewer's`;
    },
  }),
  "wrong-cumulative": (target) => ({
    leaves({ leaves }) {
      const leaf = leaves.find((l) => l.account === target.relay && l.epochBytes > 0n) ?? leaves[0];
      if (!leaf) return undefined;
      leaf.cumulativeAmount += leaf.epochAmount > 0n ? leaf.epochAmount : 1n;
      return `wrong-cumulative: leaf (${leaf.account}, ${leaf.poolId}) claims more than it earned`;
    },
  }),
  "overdraw-pool": () => ({
    leaves({ leaves, poolTotals, pools }) {
      const pool = poolTotals.find((t) => t.scaled) ?? poolTotals[0];
      if (!pool) return undefined;
      const price = pools.find((p) => p.poolId === pool.poolId)!.pricePerGB;
      for (const leaf of leaves) {
        if (leaf.poolId !== pool.poolId || leaf.epochBytes === 0n) continue;
        const raw = getRewardAmount(leaf.epochBytes, price);
        const amount = pool.scaled ? raw : raw + raw / 10n + 1n;
        leaf.cumulativeAmount += amount - leaf.epochAmount;
        leaf.epochAmount = amount;
      }
      return `overdraw-pool: leaves of pool ${pool.poolId} add up to more than its posted total ${pool.amount}`;
    },
  }),
  "bad-bundle-hash": () => ({
    publish: ({ fileHash }) => ({
      bundleHash: flipLastBit(fileHash),
      note: "bad-bundle-hash: the posted bundleHash is not the file's",
    }),
  }),
  "unfetchable-bundle": () => ({
    publish: () => ({ servable: false, note: "unfetchable-bundle: the bundle is not served" }),
  }),
};

function creditOf(credits: EpochCredit[], base: BundleReceipt): EpochCredit | undefined {
  return credits.find((c) => c.poolId === base.poolId && c.account === base.relay);
}

function byPool(a: EpochCredit, b: EpochCredit): number {
  return a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0;
}

function flipLastBit(hash: Hex): Hex {
  const last = Number.parseInt(hash.slice(-2), 16) ^ 1;
  return `${hash.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as Hex;
}
