import type { Hex } from "../../protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import type { Bundle, BundleHeader, BundleLeaf, BundlePool } from "./types.ts";

const LINE_ORDER = ["header", "pool", "ticket", "receipt", "leaf", "end"] as const;
type LineType = (typeof LINE_ORDER)[number];
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const HEX20 = /^0x[0-9a-fA-F]{40}$/;
const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * Parses an epoch bundle (docs/bundle.md, format v1) from its exact bytes. Checks the line structure: one header,
 * then pools, tickets, receipts, leaves in that order, one end line; every field present with the right type; the
 * counts of the header and the end line equal to the lines present. Integers may be JSON numbers (safe integers) or
 * decimal strings. It does not check sorting, hashes or amounts: the audit does, and reports them as findings.
 * Throws VerifierError BUNDLE_MALFORMED naming the line (1-based) and field of the first problem.
 */
export function parseBundle(bytes: Uint8Array): Bundle {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bundle: Partial<Bundle> & {
    pools: BundlePool[];
    tickets: Bundle["tickets"];
    receipts: Bundle["receipts"];
    leaves: BundleLeaf[];
  } = {
    pools: [],
    tickets: [],
    receipts: [],
    leaves: [],
  };
  let stage = -1;
  let sawEnd = false;
  let line = 0;
  let start = 0;
  if (text.length === 0) throw malformed(1, "(file)", "the bundle is empty");
  if (text[text.length - 1] !== 0x0a)
    throw malformed(countLines(text), "(file)", "the bundle does not end with a newline (truncated?)");
  while (start < text.length) {
    const nl = text.indexOf(0x0a, start);
    const end = nl === -1 ? text.length : nl;
    line += 1;
    const raw = text.toString("utf8", start, end);
    start = end + 1;
    if (sawEnd) throw malformed(line, "(line)", "nothing may follow the end line");
    if (raw.length === 0) throw malformed(line, "(line)", "blank lines are not allowed");
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw malformed(line, "(line)", "the line is not valid JSON");
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj))
      throw malformed(line, "(line)", "the line is not a JSON object");
    const o = obj as Record<string, unknown>;
    const type = o.type as LineType;
    const index = LINE_ORDER.indexOf(type);
    if (index < 0) throw malformed(line, "type", `unknown line type ${JSON.stringify(o.type)}`);
    if (index < stage || (index === 0 && stage === 0))
      throw malformed(line, "type", `a ${type} line may not come after a ${LINE_ORDER[stage]} line`);
    if (stage < 0 && type !== "header") throw malformed(line, "type", "the first line must be the header");
    stage = index;
    const f = fields(o, line);
    switch (type) {
      case "header":
        bundle.header = {
          format: f.string("format"),
          version: f.number("version"),
          chainId: f.uint("chainId"),
          distributor: f.address("distributor"),
          epoch: f.uint("epoch"),
          genesisTime: f.uint("genesisTime"),
          epochSeconds: f.uint("epochSeconds"),
          graceSeconds: f.uint("graceSeconds"),
          previousBundleHash: f.bytes32("previousBundleHash"),
          snapshotBlock: f.uint("snapshotBlock"),
          root: f.bytes32("root"),
          poolCount: f.number("poolCount"),
          ticketCount: f.number("ticketCount"),
          receiptCount: f.number("receiptCount"),
          leafCount: f.number("leafCount"),
        } satisfies BundleHeader;
        if (bundle.header.format !== "meshpay-bundle")
          throw malformed(line, "format", `format must be "meshpay-bundle"`);
        if (bundle.header.version !== 1)
          throw malformed(line, "version", `unsupported bundle version ${bundle.header.version}`);
        break;
      case "pool":
        bundle.pools.push({
          poolId: f.bytes32("poolId"),
          pricePerGB: f.uint("pricePerGB"),
          available: f.uint("available"),
          epochBytes: f.uint("epochBytes"),
          rawTotal: f.uint("rawTotal"),
          total: f.uint("total"),
        });
        break;
      case "ticket": {
        const ticketHash = f.bytes32("ticketHash");
        f.expect(["ticket", "signature"]);
        bundle.tickets.push({
          line,
          ticketHash,
          signed: decode(line, () => signedViewerTicketFromJson({ ticket: o.ticket, signature: o.signature })),
        });
        break;
      }
      case "receipt": {
        const receiptId = f.bytes32("receiptId");
        f.expect(["receipt", "signature"]);
        bundle.receipts.push({
          line,
          receiptId,
          signed: decode(line, () => signedChunkReceiptFromJson({ receipt: o.receipt, signature: o.signature })),
        });
        break;
      }
      case "leaf":
        bundle.leaves.push({
          line,
          account: f.address("account"),
          poolId: f.bytes32("poolId"),
          cumulativeAmount: f.uint("cumulativeAmount"),
          epochBytes: f.uint("epochBytes"),
          epochAmount: f.uint("epochAmount"),
          receiptsRoot: f.bytes32("receiptsRoot"),
        });
        break;
      case "end": {
        sawEnd = true;
        const receiptCount = f.number("receiptCount");
        const leafCount = f.number("leafCount");
        if (receiptCount !== bundle.receipts.length)
          throw malformed(
            line,
            "receiptCount",
            `the end line counts ${receiptCount} receipts, the file has ${bundle.receipts.length}`,
          );
        if (leafCount !== bundle.leaves.length)
          throw malformed(
            line,
            "leafCount",
            `the end line counts ${leafCount} leaves, the file has ${bundle.leaves.length}`,
          );
        break;
      }
    }
    f.done();
  }
  if (!sawEnd) throw malformed(line, "(file)", "the end line is missing (truncated download?)");
  const h = bundle.header!;
  const counts: [keyof BundleHeader, number][] = [
    ["poolCount", bundle.pools.length],
    ["ticketCount", bundle.tickets.length],
    ["receiptCount", bundle.receipts.length],
    ["leafCount", bundle.leaves.length],
  ];
  for (const [key, actual] of counts)
    if (h[key] !== actual) throw malformed(1, key, `the header's ${key} is ${h[key]}, the file has ${actual}`);
  return bundle as Bundle;
}

function decode<T>(line: number, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    const field = (cause as { field?: string }).field ?? "(value)";
    const message = (cause as { shortMessage?: string }).shortMessage ?? String(cause);
    throw new VerifierError("BUNDLE_MALFORMED", `Bundle line ${line}: ${message}`, { cause, data: { line, field } });
  }
}

function malformed(line: number, field: string, message: string): VerifierError<"BUNDLE_MALFORMED"> {
  return new VerifierError("BUNDLE_MALFORMED", `Bundle line ${line}: ${message}.`, { data: { line, field } });
}

function countLines(buf: Buffer): number {
  let n = 1;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) n++;
  return n;
}

/** Field readers for one line; `done()` refuses fields that were not read (unknown fields). */
function fields(o: Record<string, unknown>, line: number) {
  const read = new Set<string>(["type"]);
  const get = (name: string): unknown => {
    read.add(name);
    if (!(name in o)) throw malformed(line, name, `${name} is missing`);
    return o[name];
  };
  return {
    string(name: string): string {
      const v = get(name);
      if (typeof v !== "string") throw malformed(line, name, `${name} must be a string`);
      return v;
    },
    number(name: string): number {
      const v = get(name);
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
      if (typeof v === "string" && DECIMAL.test(v) && v.length < 16) return Number(v);
      throw malformed(line, name, `${name} must be a non-negative integer`);
    },
    uint(name: string): bigint {
      const v = get(name);
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
      if (typeof v === "string" && v.length <= 78 && DECIMAL.test(v)) {
        const n = BigInt(v);
        if (n <= MAX_UINT256) return n;
      }
      throw malformed(line, name, `${name} must be an unsigned integer (decimal string)`);
    },
    bytes32(name: string): Hex {
      const v = get(name);
      if (typeof v !== "string" || !HEX32.test(v)) throw malformed(line, name, `${name} must be 0x-hex of 32 bytes`);
      return v.toLowerCase() as Hex;
    },
    address(name: string): Hex {
      const v = get(name);
      if (typeof v !== "string" || !HEX20.test(v)) throw malformed(line, name, `${name} must be a 0x-hex address`);
      return v.toLowerCase() as Hex;
    },
    expect(names: string[]): void {
      for (const n of names) get(n);
    },
    done(): void {
      for (const key of Object.keys(o))
        if (!read.has(key)) throw malformed(line, key, `${key} is not a field of a ${String(o.type)} line`);
    },
  };
}
