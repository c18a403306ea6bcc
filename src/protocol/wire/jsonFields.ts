// Internal: field-spec driven JSON encoding/decoding shared by the *Json functions.
import { MAX_UINT32, MAX_UINT64, MAX_UINT256 } from "../constants.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import { isHexOfLength } from "../utils/bytes.ts";

export type FieldKind = "bytes32" | "address" | "uint32" | "uint64" | "uint256";
export type FieldSpec = readonly (readonly [name: string, kind: FieldKind])[];

export type JsonIssue = { field: string; message: string };

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function checkField(value: unknown, kind: FieldKind, path: string, issues: JsonIssue[]): unknown {
  switch (kind) {
    case "bytes32":
      if (isHexOfLength(value, 32)) return value.toLowerCase();
      issues.push({ field: path, message: `${path} must be a 0x-prefixed 32-byte hex string` });
      return undefined;
    case "address":
      if (isHexOfLength(value, 20)) return value.toLowerCase();
      issues.push({ field: path, message: `${path} must be a 0x-prefixed 20-byte hex address` });
      return undefined;
    case "uint32":
      if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_UINT32) return value;
      issues.push({ field: path, message: `${path} must be a JSON integer in [0, 2^32-1]` });
      return undefined;
    case "uint64":
    case "uint256": {
      const max = kind === "uint64" ? MAX_UINT64 : MAX_UINT256;
      if (typeof value === "string" && value.length <= 78 && DECIMAL.test(value)) {
        const n = BigInt(value);
        if (n <= max) return n;
      }
      issues.push({ field: path, message: `${path} must be a decimal string of a ${kind}` });
      return undefined;
    }
  }
}

/** Decodes a flat object of `spec` fields at `path`, appending problems to `issues`. */
export function decodeFields(
  value: unknown,
  spec: FieldSpec,
  path: string,
  issues: JsonIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ field: path, message: `${path} must be an object` });
    return out;
  }
  const record = value as Record<string, unknown>;
  for (const [name, kind] of spec) {
    const p = `${path}.${name}`;
    if (!(name in record)) issues.push({ field: p, message: `${p} is missing` });
    else out[name] = checkField(record[name], kind, p, issues);
  }
  const known = new Set(spec.map(([n]) => n));
  for (const key of Object.keys(record))
    if (!known.has(key)) issues.push({ field: `${path}.${key}`, message: `${path}.${key} is not a known field` });
  return out;
}

/** Decodes `{ [inner]: {...spec}, signature }`. */
export function decodeSigned(
  value: unknown,
  inner: string,
  spec: FieldSpec,
  path: string,
  issues: JsonIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ field: path || "(root)", message: `${path || "value"} must be an object` });
    return out;
  }
  const record = value as Record<string, unknown>;
  const prefix = path ? `${path}.` : "";
  if (!(inner in record)) issues.push({ field: `${prefix}${inner}`, message: `${prefix}${inner} is missing` });
  else out[inner] = decodeFields(record[inner], spec, `${prefix}${inner}`, issues);
  const sig = record.signature;
  if (!("signature" in record)) issues.push({ field: `${prefix}signature`, message: `${prefix}signature is missing` });
  else if (isHexOfLength(sig, 65) || isHexOfLength(sig, 64)) out.signature = sig.toLowerCase();
  else issues.push({ field: `${prefix}signature`, message: `${prefix}signature must be 0x-hex of 65 or 64 bytes` });
  for (const key of Object.keys(record))
    if (key !== inner && key !== "signature")
      issues.push({ field: `${prefix}${key}`, message: `${prefix}${key} is not a known field` });
  return out;
}

/** Throws WIRE_INVALID_FIELD listing every issue (field = the first). */
export function throwIfIssues(issues: JsonIssue[], what: string): void {
  if (issues.length === 0) return;
  throw new ProtocolError("WIRE_INVALID_FIELD", `Invalid ${what}: ${issues[0]!.message}.`, {
    field: issues[0]!.field,
    metaMessages: issues.map((i) => `- ${i.message}`),
    details: issues.map((i) => i.message).join("; "),
  });
}

/** Encodes `spec` fields: bigints as decimal strings, numbers as numbers, hex as is. */
export function encodeFields(value: Record<string, unknown>, spec: FieldSpec): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, kind] of spec) {
    const v = value[name];
    out[name] = kind === "uint64" || kind === "uint256" ? (v as bigint).toString(10) : (v as string | number);
  }
  return out;
}

export const viewerTicketSpec: FieldSpec = [
  ["poolId", "bytes32"],
  ["streamId", "bytes32"],
  ["viewer", "address"],
  ["notBefore", "uint64"],
  ["notAfter", "uint64"],
  ["maxBytes", "uint64"],
];
export const chunkReceiptSpec: FieldSpec = [
  ["poolId", "bytes32"],
  ["ticketHash", "bytes32"],
  ["relay", "address"],
  ["segment", "uint64"],
  ["chunk", "uint32"],
  ["chunkHash", "bytes32"],
  ["size", "uint32"],
  ["deliveredAt", "uint64"],
];
export const claimAuthorizationSpec: FieldSpec = [
  ["poolId", "bytes32"],
  ["account", "address"],
  ["recipient", "address"],
  ["maxFee", "uint256"],
  ["nonce", "uint256"],
  ["deadline", "uint64"],
];
