import { bytesToHex } from "./bytes.ts";

/**
 * A deep copy of `value` that JSON.stringify accepts and that keeps every integer exact: bigints become decimal
 * strings, Uint8Arrays lowercase 0x-hex, Sets arrays, Maps arrays of [key, value] pairs, objects with a `toJSON`
 * (Dates) what it returns; undefined object fields are dropped. Browser-safe (no Buffer).
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString(10);
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Set) return [...value].map(toJsonSafe);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [toJsonSafe(k), toJsonSafe(v)]);
  if (value && typeof value === "object") {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function")
      return toJsonSafe((value as { toJSON(): unknown }).toJSON());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}
