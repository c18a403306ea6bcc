/**
 * Fills `out` with the deterministic content of chunk (segment, chunk) of a stream whose content seed is
 * `contentSeed` (xorshift32, four bytes per step). Every viewer gets the same bytes for the same chunk, as in
 * a live stream; nothing is kept between chunks.
 */
export function fillChunkBytes(out: Uint8Array, contentSeed: number, segment: number, chunk: number): Uint8Array {
  let x =
    (Math.imul(segment % 0x7fffffff, 0x9e3779b1) ^ Math.imul(chunk + 1, 0x85ebca6b) ^ contentSeed) >>> 0 || 0x6d2b79f5;
  const words = out.byteOffset % 4 === 0 ? out.length >>> 2 : 0;
  const view = new Uint32Array(out.buffer, out.byteOffset, words);
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view[i] = x >>> 0;
  }
  for (let i = words << 2; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
