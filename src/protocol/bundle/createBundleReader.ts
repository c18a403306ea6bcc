import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Address, Hex, RewardLeaf } from "../types.ts";
import { signedChunkReceiptFromJson } from "../wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../wire/signedViewerTicketFromJson.ts";
import { checkHeaderCounts } from "./checkHeaderCounts.ts";
import { malformedBundle as malformed } from "./malformedBundle.ts";
import { rewardLeafFromJson } from "./rewardLeafFromJson.ts";
import { BUNDLE_FORMAT, BUNDLE_V1, type BundleHeader, type BundleItem } from "./types.ts";

export type ReadBundleOptions = {
  /** Start at the leaf lines (a reader that seeks to the first leaf line of a bundle it wrote). Default "header". */
  startAt?: "header" | "leaf";
  /** Count ticket and receipt lines without decoding them (readers that want only pools and leaves). */
  skipTicketsAndReceipts?: boolean;
  /**
   * The binary format of a section read with `startAt: "leaf"` (it has no magic to tell it): 2 (default) or 3.
   * Ignored when reading from the header (the magic tells the version) and for v1 lines.
   */
  leavesVersion?: 2 | 3;
};

export type BundleReader = {
  /** Parses the next line; returns its item (undefined for a skipped ticket or receipt line). */
  push(line: string): BundleItem | undefined;
  /** Lines pushed so far. */
  readonly lines: number;
  /** Call once the input has ended: throws when it was empty or had no end line. */
  finish(): void;
};

const ORDER = ["header", "pool", "ticket", "receipt", "leaf", "end"] as const;
type LineType = (typeof ORDER)[number];
const LEAF_STAGE = ORDER.indexOf("leaf");
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^0x[0-9a-fA-F]*$/;
const MAX_UINT256 = (1n << 256n) - 1n;
const U256 = '"(0|[1-9][0-9]{0,77})"';
/** A leaf line exactly as leafLine writes it (lowercase hex, decimal strings): decoded without JSON.parse. */
const CANONICAL_LEAF = new RegExp(
  '^\\{"type":"leaf","account":"(0x[0-9a-f]{40})","poolId":"(0x[0-9a-f]{64})","cumulativeAmount":' +
    `${U256},"epochBytes":${U256},"epochAmount":${U256},"receiptsRoot":"(0x[0-9a-f]{64})"\\}$`,
);

/**
 * The one parser of epoch bundle lines (docs/bundle.md, format v1), fed one line (without "\n") at a time; it
 * checks the structure as it goes: one header,
 * then pools, tickets, receipts, leaves in that order, one end line, nothing after it; every field present, of the
 * right type, and no other; the counts of the end line (when it is read) and of the header (at `finish()`) equal to
 * the lines present. Integers may be JSON numbers (safe integers) or decimal
 * strings; hex is lowercased. Sorting, hashes and amounts are the audit's business, not the parser's.
 * Throws ProtocolError BUNDLE_MALFORMED with `line` (1-based, from where reading started) and `field`.
 */
export function createBundleReader(options: ReadBundleOptions = {}): BundleReader {
  let stage = options.startAt === "leaf" ? ORDER.indexOf("leaf") : -1;
  let header: BundleHeader | undefined;
  const counts = { pool: 0, ticket: 0, receipt: 0, leaf: 0 };
  let ended = false;
  let line = 0;
  const push = (raw: string): BundleItem | undefined => {
    line += 1;
    if (ended) throw malformed(line, "(line)", "nothing may follow the end line");
    if (raw.length === 0) throw malformed(line, "(line)", "blank lines are not allowed");
    const leaf = stage >= 0 && stage <= LEAF_STAGE ? canonicalLeaf(raw) : undefined;
    if (leaf) {
      // The same checks and result as the generic path below, for the one form honest writers produce (a bundle
      // can hold millions of leaf lines; readers in the browser stream 100,000 of them per lookup).
      stage = LEAF_STAGE;
      counts.leaf++;
      return { type: "leaf", line, ...leaf };
    }
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
    const index = ORDER.indexOf(type);
    if (index < 0) throw malformed(line, "type", `unknown line type ${JSON.stringify(o.type)}`);
    if (stage < 0 && type !== "header") throw malformed(line, "type", "the first line must be the header");
    if (index < stage || (index === 0 && stage === 0))
      throw malformed(line, "type", `a ${type} line may not come after a ${ORDER[stage]} line`);
    stage = index;
    const f = fields(o, line);
    switch (type) {
      case "header": {
        if (f.string("format") !== BUNDLE_FORMAT) throw malformed(line, "format", `format must be "${BUNDLE_FORMAT}"`);
        const version = f.count("version");
        if (version !== BUNDLE_V1) throw malformed(line, "version", `unsupported bundle version ${version}`);
        header = {
          chainId: f.uint("chainId"),
          distributor: f.hex("distributor", 20),
          epoch: f.uint("epoch"),
          genesisTime: f.uint("genesisTime"),
          epochSeconds: f.uint("epochSeconds"),
          graceSeconds: f.uint("graceSeconds"),
          previousBundleHash: f.hex("previousBundleHash", 32),
          snapshotBlock: f.uint("snapshotBlock"),
          root: f.hex("root", 32),
          poolCount: f.count("poolCount"),
          ticketCount: f.count("ticketCount"),
          receiptCount: f.count("receiptCount"),
          leafCount: f.count("leafCount"),
        };
        f.done();
        return { type, line, header };
      }
      case "pool": {
        counts.pool++;
        const pool = {
          poolId: f.hex("poolId", 32),
          pricePerGB: f.uint("pricePerGB"),
          available: f.uint("available"),
          epochBytes: f.uint("epochBytes"),
          rawTotal: f.uint("rawTotal"),
          total: f.uint("total"),
        };
        f.done();
        return { type, line, ...pool };
      }
      case "ticket": {
        counts.ticket++;
        if (options.skipTicketsAndReceipts) return undefined;
        const ticketHash = f.hex("ticketHash", 32);
        f.expect(["ticket", "signature"]);
        f.done();
        const signed = decode(line, () => signedViewerTicketFromJson({ ticket: o.ticket, signature: o.signature }));
        return { type, line, ticketHash, signed };
      }
      case "receipt": {
        counts.receipt++;
        if (options.skipTicketsAndReceipts) return undefined;
        const receiptId = f.hex("receiptId", 32);
        f.expect(["receipt", "signature"]);
        f.done();
        const signed = decode(line, () => signedChunkReceiptFromJson({ receipt: o.receipt, signature: o.signature }));
        return { type, line, receiptId, signed };
      }
      case "leaf": {
        counts.leaf++;
        const { type: _type, ...json } = o;
        return { type, line, ...decode(line, () => rewardLeafFromJson(json)) };
      }
      case "end": {
        ended = true;
        const receiptCount = f.count("receiptCount");
        const leafCount = f.count("leafCount");
        f.done();
        if (options.startAt !== "leaf" && receiptCount !== counts.receipt)
          throw malformed(
            line,
            "receiptCount",
            `the end line counts ${receiptCount} receipts, the file has ${counts.receipt}`,
          );
        if (leafCount !== counts.leaf)
          throw malformed(line, "leafCount", `the end line counts ${leafCount} leaves, the file has ${counts.leaf}`);
        return { type, line, receiptCount, leafCount };
      }
    }
  };
  return {
    push,
    get lines() {
      return line;
    },
    finish() {
      if (line === 0) throw malformed(1, "(file)", "the bundle is empty");
      if (!ended) throw malformed(line, "(file)", "the end line is missing (truncated download?)");
      if (header) checkHeaderCounts(header, counts, (key, message) => malformed(1, key, message));
    },
  };
}

/** The leaf of a line in leafLine's exact form (every amount a uint256), else undefined (the generic path decides). */
function canonicalLeaf(raw: string): RewardLeaf | undefined {
  const m = CANONICAL_LEAF.exec(raw);
  if (!m) return undefined;
  const cumulativeAmount = BigInt(m[3]!);
  const epochBytes = BigInt(m[4]!);
  const epochAmount = BigInt(m[5]!);
  if (cumulativeAmount > MAX_UINT256 || epochBytes > MAX_UINT256 || epochAmount > MAX_UINT256) return undefined;
  return {
    account: m[1] as Address,
    poolId: m[2] as Hex,
    cumulativeAmount,
    epochBytes,
    epochAmount,
    receiptsRoot: m[6] as Hex,
  };
}

function decode<T>(line: number, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    const field = (cause as { field?: string }).field ?? "(value)";
    const message = (cause as { shortMessage?: string }).shortMessage ?? String(cause);
    throw new ProtocolError("BUNDLE_MALFORMED", `Bundle line ${line}: ${message}`, { cause, line, field });
  }
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
    count(name: string): number {
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
    hex(name: string, bytes: number): Hex {
      const v = get(name);
      if (typeof v !== "string" || v.length !== 2 + 2 * bytes || !HEX.test(v))
        throw malformed(line, name, `${name} must be 0x-hex of ${bytes} bytes`);
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
