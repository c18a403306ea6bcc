export type RateLimitSettings = {
  requestsPerSecond: number;
  requestBurst: number;
  receiptsPerSecond: number;
  receiptBurst: number;
};

export type RateLimiter = {
  /**
   * Takes one request and `receipts` receipts from `key`'s buckets. Returns 0 when allowed, else the whole seconds
   * to wait before the same request would be allowed (nothing is taken then).
   */
  take(key: string, receipts: number, nowMs?: number): number;
};

type Bucket = { requests: number; receipts: number; at: number };

/**
 * Per-key (per-relay) token buckets: one for requests, one for receipts. A batch larger than the receipt burst is
 * charged the full burst, so any allowed batch size can eventually pass. Idle buckets are forgotten.
 */
export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = 0;
  const sweep = (now: number) => {
    // A bucket idle long enough to have refilled completely carries no information.
    const full =
      Math.max(settings.requestBurst / settings.requestsPerSecond, settings.receiptBurst / settings.receiptsPerSecond) *
      1000;
    for (const [key, b] of buckets) if (now - b.at > full) buckets.delete(key);
    lastSweep = now;
  };
  return {
    take(key, receipts, nowMs = Date.now()) {
      if (nowMs - lastSweep > 60_000) sweep(nowMs);
      let b = buckets.get(key);
      if (!b) {
        b = { requests: settings.requestBurst, receipts: settings.receiptBurst, at: nowMs };
        buckets.set(key, b);
      } else {
        const dt = Math.max(0, nowMs - b.at) / 1000;
        b.requests = Math.min(settings.requestBurst, b.requests + dt * settings.requestsPerSecond);
        b.receipts = Math.min(settings.receiptBurst, b.receipts + dt * settings.receiptsPerSecond);
        b.at = nowMs;
      }
      const cost = Math.min(receipts, settings.receiptBurst);
      if (b.requests >= 1 && b.receipts >= cost) {
        b.requests -= 1;
        b.receipts -= cost;
        return 0;
      }
      const waitRequests = b.requests >= 1 ? 0 : (1 - b.requests) / settings.requestsPerSecond;
      const waitReceipts = b.receipts >= cost ? 0 : (cost - b.receipts) / settings.receiptsPerSecond;
      return Math.max(1, Math.ceil(Math.max(waitRequests, waitReceipts)));
    },
  };
}
