/** Settlement and price assumptions of the P2P summary (docs/economics.md). */
export const P2P_ASSUMPTIONS = {
  cdnUsdPerGB: 0.05,
  tokenUsd: 1,
  tokenDecimals: 6,
  gasPriceGwei: 0.01,
  ethUsd: 3_000,
  productionEpochHours: 1,
  claimsPerRelayPerDay: 1,
} as const;

/**
 * The figures of one P2P session (runP2pSession's result): bytes each viewer got over HTTP and from peers, what
 * each relay was credited and earned, and the broadcaster's blended cost per GB against CDN-only delivery:
 * `blended = (originBytes × cdn + relayRewards + settlement) / deliveredBytes`, settlement projected at
 * production cadence (one post per epoch hour, one claim per relay per day) from the gas this run measured.
 */
export function summarizeP2pSession(r: any, segmentSeconds = 2) {
  const a = P2P_ASSUMPTIONS;
  const viewers = r.viewers.map((v: any) => ({
    role: v.role,
    payout: v.payout,
    joinAfterMs: v.joinAfterMs,
    leaveAfterMs: v.leaveAfterMs,
    httpBytes: v.stats.receipts.httpBytes as number,
    peerBytes: v.stats.receipts.p2pSegmentBytes as number,
    signedBytes: v.stats.receipts.signedBytes as number,
    acceptedBytes: v.stats.outbox.accepted.bytes as number,
    creditedBytes: v.credited.bytes as number,
    earned: Number(v.credited.earnedUnits) / 10 ** a.tokenDecimals,
    claimed: v.claim ? Number(v.claim.paid) / 10 ** a.tokenDecimals : 0,
    maxStallMs: Math.max(0, ...(v.stats.stallsMs as number[])),
  }));
  const sum = (k: string) => viewers.reduce((n: number, v: any) => n + v[k], 0);
  const httpBytes = sum("httpBytes");
  const peerBytes = sum("peerBytes");
  const creditedBytes = sum("creditedBytes");
  const delivered = httpBytes + peerBytes;
  const relayUsd = sum("earned") * a.tokenUsd;
  const originBytes = r.origin.live as number;
  const cdnUsd = (originBytes / 1e9) * a.cdnUsdPerGB;
  const usdPerGas = a.gasPriceGwei * 1e-9 * a.ethUsd;
  const gasOf = (name: string) => r.gas[name] ?? { count: 0, gas: 0 };
  const postGas = gasOf("postEpoch").count ? gasOf("postEpoch").gas / gasOf("postEpoch").count : 0;
  const claim = gasOf("claim");
  const claimGas = claim.count ? claim.gas / claim.count : 0;
  const runSettlementUsd = (gasOf("postEpoch").gas + claim.gas) * usdPerGas;
  // Production cadence: this run's traffic rate, one post per epoch hour and one claim per relay per day.
  const seconds = (r.epochs.last - r.epochs.first + 1) * r.epochs.seconds;
  const dailyBytes = (delivered / seconds) * 86_400;
  const relays = viewers.filter((v: any) => v.creditedBytes > 0).length;
  const dailyGas = (24 / a.productionEpochHours) * postGas + relays * a.claimsPerRelayPerDay * claimGas;
  const settlementUsdPerGB = (dailyGas * usdPerGas) / (dailyBytes / 1e9);
  const settlementUsd = settlementUsdPerGB * (delivered / 1e9);
  const blendedUsdPerGB = (cdnUsd + relayUsd + settlementUsd) / (delivered / 1e9);
  return {
    viewers,
    totals: { httpBytes, peerBytes, delivered, originBytes, creditedBytes },
    peerShare: delivered ? peerBytes / delivered : 0,
    creditedShare: peerBytes ? creditedBytes / peerBytes : 0,
    cost: {
      cdnUsd,
      relayUsd,
      runSettlementUsd,
      settlementUsdPerGB,
      blendedUsdPerGB,
      cdnOnlyUsdPerGB: a.cdnUsdPerGB,
      blendedCostCutPct: (1 - blendedUsdPerGB / a.cdnUsdPerGB) * 100,
    },
    maxStallMs: Math.max(0, ...viewers.map((v: any) => v.maxStallMs)),
    segmentMs: segmentSeconds * 1000,
  };
}
