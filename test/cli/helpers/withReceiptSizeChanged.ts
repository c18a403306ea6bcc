/**
 * A copy of bundle bytes (either format, docs/bundle.md) whose first receipt of 1,000,000 bytes says 1,000,001:
 * v1 rewrites the JSON, v2 the size's varint (c0 84 3d, the same length). The bundle still parses; its hash and the
 * receipt's id and signature no longer match.
 */
export function withReceiptSizeChanged(bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  if (out[0] === 0x7b) {
    const text = out.toString("utf8");
    const i = text.indexOf('"size":1000000');
    if (i < 0) throw new Error("no receipt of 1,000,000 bytes in the bundle");
    return Buffer.from(`${text.slice(0, i)}"size":1000001${text.slice(i + 14)}`);
  }
  const at = out.indexOf(Buffer.from([0xc0, 0x84, 0x3d]), 8);
  if (at < 0) throw new Error("no receipt of 1,000,000 bytes in the bundle");
  out[at] = 0xc1;
  return out;
}
