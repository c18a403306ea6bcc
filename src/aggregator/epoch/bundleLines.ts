// Line encoders of the epoch bundle format v1 (docs/bundle.md): one JSON object per line, keys in the documented
// order, no whitespace, integers that may exceed 2^53 as decimal strings, lowercase hex. Each function returns
// exactly what JSON.stringify would for the same object (test/aggregator/bundle.test.ts checks it); they are
// template strings only because a bundle can hold millions of lines. Inputs are trusted: hex comes lowercased from
// the strict decoder and the database, decimals from bigint.toString().
import type { Hex, RewardLeaf } from "../../protocol/types.ts";

export type BundleHeader = {
  chainId: number;
  distributor: Hex;
  epoch: number;
  genesisTime: number;
  epochSeconds: number;
  graceSeconds: number;
  previousBundleHash: Hex;
  snapshotBlock: number;
  root: Hex;
  poolCount: number;
  ticketCount: number;
  receiptCount: number;
  leafCount: number;
};

export type BundlePool = {
  poolId: Hex;
  pricePerGB: bigint;
  available: bigint;
  epochBytes: bigint;
  rawTotal: bigint;
  total: bigint;
};

export type BundleTicket = {
  ticketHash: string;
  poolId: string;
  streamId: string;
  viewer: string;
  notBefore: string;
  notAfter: string;
  maxBytes: string;
  signature: string;
};

export type BundleReceipt = {
  receiptId: string;
  poolId: string;
  ticketHash: string;
  relay: string;
  segment: string;
  chunk: number;
  chunkHash: string;
  size: number;
  deliveredAt: string;
  signature: string;
};

export const BUNDLE_FORMAT = "meshpay-bundle";
export const BUNDLE_VERSION = 1;

export function headerLine(h: BundleHeader): string {
  return (
    `{"type":"header","format":"${BUNDLE_FORMAT}","version":${BUNDLE_VERSION},"chainId":${h.chainId},"distributor":"${h.distributor}",` +
    `"epoch":${h.epoch},"genesisTime":${h.genesisTime},"epochSeconds":${h.epochSeconds},"graceSeconds":${h.graceSeconds},` +
    `"previousBundleHash":"${h.previousBundleHash}","snapshotBlock":${h.snapshotBlock},"root":"${h.root}","poolCount":${h.poolCount},` +
    `"ticketCount":${h.ticketCount},"receiptCount":${h.receiptCount},"leafCount":${h.leafCount}}\n`
  );
}

export function poolLine(p: BundlePool): string {
  return (
    `{"type":"pool","poolId":"${p.poolId}","pricePerGB":"${p.pricePerGB}","available":"${p.available}",` +
    `"epochBytes":"${p.epochBytes}","rawTotal":"${p.rawTotal}","total":"${p.total}"}\n`
  );
}

export function ticketLine(t: BundleTicket): string {
  return (
    `{"type":"ticket","ticketHash":"${t.ticketHash}","ticket":{"poolId":"${t.poolId}","streamId":"${t.streamId}","viewer":"${t.viewer}",` +
    `"notBefore":"${t.notBefore}","notAfter":"${t.notAfter}","maxBytes":"${t.maxBytes}"},"signature":"${t.signature}"}\n`
  );
}

export function receiptLine(r: BundleReceipt): string {
  return (
    `{"type":"receipt","receiptId":"${r.receiptId}","receipt":{"poolId":"${r.poolId}","ticketHash":"${r.ticketHash}","relay":"${r.relay}",` +
    `"segment":"${r.segment}","chunk":${r.chunk},"chunkHash":"${r.chunkHash}","size":${r.size},"deliveredAt":"${r.deliveredAt}"},` +
    `"signature":"${r.signature}"}\n`
  );
}

export function leafLine(l: RewardLeaf): string {
  return (
    `{"type":"leaf","account":"${l.account}","poolId":"${l.poolId}","cumulativeAmount":"${l.cumulativeAmount}",` +
    `"epochBytes":"${l.epochBytes}","epochAmount":"${l.epochAmount}","receiptsRoot":"${l.receiptsRoot}"}\n`
  );
}

export function endLine(receiptCount: number, leafCount: number): string {
  return `{"type":"end","receiptCount":${receiptCount},"leafCount":${leafCount}}\n`;
}
