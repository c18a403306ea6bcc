import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Hex } from "../types.ts";

const HEX_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUES[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUES[65 + i] = 10 + i;
  HEX_VALUES[97 + i] = 10 + i;
}

/** True when `value` is `0x` followed by exactly `bytes * 2` hex digits (any case). */
export function isHexOfLength(value: unknown, bytes: number): value is Hex {
  if (typeof value !== "string" || value.length !== 2 + bytes * 2 || value[0] !== "0" || value[1] !== "x") return false;
  for (let i = 2; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || HEX_VALUES[c]! < 0) return false;
  }
  return true;
}

/**
 * Writes the bytes of 0x-hex `hex` (exactly `length` bytes) into `out` at `offset`.
 * Throws INVALID_ARGUMENT naming `field` when it is not hex of that length.
 */
export function writeHex(out: Uint8Array, offset: number, hex: string, length: number, field: string): void {
  if (typeof hex !== "string" || hex.length !== 2 + length * 2 || hex.charCodeAt(0) !== 48 || hex.charCodeAt(1) !== 120)
    throw badHex(field, length);
  for (let i = 0, j = 2; i < length; i++, j += 2) {
    const a = hex.charCodeAt(j);
    const b = hex.charCodeAt(j + 1);
    const hi = a < 128 ? HEX_VALUES[a]! : -1;
    const lo = b < 128 ? HEX_VALUES[b]! : -1;
    if (hi < 0 || lo < 0) throw badHex(field, length);
    out[offset + i] = (hi << 4) | lo;
  }
}

function badHex(field: string, length: number): ProtocolError {
  return new ProtocolError("INVALID_ARGUMENT", `${field} must be 0x-prefixed hex of ${length} bytes.`, { field });
}

/** Strict hex → bytes; `length` optional. */
export function hexToBytes(hex: string, length: number | undefined, field: string): Uint8Array {
  const n = length ?? (typeof hex === "string" && hex.length % 2 === 0 ? (hex.length - 2) / 2 : -1);
  if (n < 0) throw badHex(field, 0);
  const out = new Uint8Array(n);
  writeHex(out, 0, hex, n, field);
  return out;
}

/** bytes → lowercase 0x-hex. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): Hex {
  // Decoded from ASCII codes in one go: a flat string, not a rope of 2-character pieces (a rope costs ~1 KiB a
  // 32-byte hash for as long as it is kept, e.g. 10^6 receipts roots of an epoch close).
  const n = Math.max(0, end - start);
  const out = n <= 64 ? HEX_SCRATCH : new Uint8Array(2 + 2 * n);
  out[0] = 48;
  out[1] = 120;
  for (let i = 0; i < n; i++) {
    const b = bytes[start + i]!;
    out[2 + 2 * i] = HEX_CODES[b >> 4]!;
    out[3 + 2 * i] = HEX_CODES[b & 15]!;
  }
  return ASCII.decode(out.subarray(0, 2 + 2 * n)) as Hex;
}

const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const HEX_SCRATCH = new Uint8Array(2 + 2 * 64);
const ASCII = new TextDecoder();

const U64 = new BigUint64Array(1);
const U64_BYTES = new Uint8Array(U64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_BY_WIDTH: bigint[] = Array.from({ length: 33 }, (_, w) => (1n << BigInt(8 * w)) - 1n);

/** Writes `value` (0 ≤ value < 2^(8·width)) big-endian into `width` bytes at `offset`. */
export function writeUint(out: Uint8Array, offset: number, value: bigint | number, width: number, field: string): void {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0 || (width < 8 && value >= 2 ** (8 * width)))
      throw outOfRange(field, width);
    let i = offset + width - 1;
    for (; i >= offset && value > 0; i--) {
      out[i] = value % 256;
      value = Math.floor(value / 256);
    }
    for (; i >= offset; i--) out[i] = 0;
    return;
  }
  if (typeof value !== "bigint" || value < 0n || value > MAX_BY_WIDTH[width]!) throw outOfRange(field, width);
  if (width % 8 !== 0) {
    writeUint(out, offset, Number(value), width, field);
    return;
  }
  // 64 bits at a time from the least significant end, stopping once the rest is zero.
  let o = offset + width - 8;
  for (; o >= offset && value !== 0n; o -= 8) {
    U64[0] = BigInt.asUintN(64, value);
    value >>= 64n;
    if (LITTLE_ENDIAN) for (let b = 0; b < 8; b++) out[o + 7 - b] = U64_BYTES[b]!;
    else for (let b = 0; b < 8; b++) out[o + b] = U64_BYTES[b]!;
  }
  if (o >= offset) out.fill(0, offset, o + 8);
}

function outOfRange(field: string, width: number): ProtocolError {
  return new ProtocolError("INVALID_ARGUMENT", `${field} must be an integer in uint${width * 8} range.`, { field });
}

/** Reads a big-endian unsigned integer of `width` bytes. */
export function readUint(bytes: Uint8Array, offset: number, width: number): bigint {
  let v = 0n;
  let i = offset;
  for (; i + 4 <= offset + width; i += 4)
    v = (v << 32n) | BigInt(((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0);
  for (; i < offset + width; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Unsigned lexicographic comparison of two 32-byte slices of (possibly the same) buffers. */
export function compare32(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 32; i++) {
    const d = a[ao + i]! - b[bo + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lowercases an address for comparisons. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Decodes `count` bytes of hex digits starting at character `from` of `hex` into `out[offset..]`; false on a non-hex
 * digit.
 */
export function decodeHexDigits(out: Uint8Array, offset: number, hex: string, from: number, count: number): boolean {
  for (let i = 0, j = from; i < count; i++, j += 2) {
    const a = hex.charCodeAt(j);
    const b = hex.charCodeAt(j + 1);
    const hi = a < 128 ? HEX_VALUES[a]! : -1;
    const lo = b < 128 ? HEX_VALUES[b]! : -1;
    if (hi < 0 || lo < 0) return false;
    out[offset + i] = (hi << 4) | lo;
  }
  return true;
}
