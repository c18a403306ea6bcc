import { keccak256 } from "../protocol/hash/keccak256.ts";

/** A seeded pseudo-random source (sfc32). Not for secrets: it makes simulations reproducible. */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number;
  /** `length` pseudo-random bytes. */
  bytes(length: number): Uint8Array;
  /** An independent stream derived from this one's seed and `label` (consumes nothing from this stream). */
  fork(label: string): Random;
};

const encoder = new TextEncoder();

/**
 * A reproducible random stream from `seed` (number or string). Streams forked with different labels are
 * independent, so adding a consumer of one stream (e.g. more churn) does not change another (e.g. keys).
 */
export function createRandom(seed: number | string): Random {
  return fromLabel(`meshpay-sim:${String(seed)}`);
}

function fromLabel(label: string): Random {
  const h = keccak256(encoder.encode(label));
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let a = view.getUint32(0) | 0;
  let b = view.getUint32(4) | 0;
  let c = view.getUint32(8) | 0;
  let d = view.getUint32(12) | 0;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => p > 0 && next() < p,
    exponential: (mean) => -Math.log(1 - next()) * mean,
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 4) {
        const x = u32();
        out[i] = x & 0xff;
        if (i + 1 < length) out[i + 1] = (x >>> 8) & 0xff;
        if (i + 2 < length) out[i + 2] = (x >>> 16) & 0xff;
        if (i + 3 < length) out[i + 3] = x >>> 24;
      }
      return out;
    },
    fork: (sub) => fromLabel(`${label}/${sub}`),
  };
}
