import type { Hex } from "../../protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { CliError } from "../errors/CliError.ts";
import type { EpochBundle } from "./EpochBundle.ts";

const ORDER = ["header", "pool", "ticket", "receipt", "leaf", "end"] as const;

/**
 * Parses bundle bytes (NDJSON, docs/bundle.md v1): one header, then pools, tickets, receipts, leaves, one end line,
 * every field typed, counts matching. `only: "leaves"` skips decoding tickets and receipts (for reading rewards).
 * BUNDLE_MALFORMED (exit 6) names the line and field of the first problem.
 */
export function parseEpochBundle(
  bytes: Uint8Array,
  options: { only?: "leaves"; onLine?: (line: number) => void } = {},
): EpochBundle {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.length === 0) throw malformed(1, "the bundle is empty");
  if (!text.endsWith("\n"))
    throw malformed(text.split("\n").length, "the bundle does not end with a newline (truncated?)");
  const lines = text.slice(0, -1).split("\n");
  const out: Partial<EpochBundle> & Pick<EpochBundle, "pools" | "tickets" | "receipts" | "leaves"> = {
    pools: [],
    tickets: [],
    receipts: [],
    leaves: [],
  };
  let stage = -1;
  let end: { receiptCount: number; leafCount: number } | undefined;
  let ticketLines = 0;
  let receiptLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    options.onLine?.(line);
    const raw = lines[i]!;
    if (end) throw malformed(line, "nothing may follow the end line");
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw);
    } catch {
      throw malformed(line, "the line is not JSON");
    }
    if (!o || typeof o !== "object" || Array.isArray(o)) throw malformed(line, "the line is not a JSON object");
    const index = ORDER.indexOf(o.type as (typeof ORDER)[number]);
    if (index < 0) throw malformed(line, `unknown line type ${JSON.stringify(o.type)}`);
    if (stage < 0 && index !== 0) throw malformed(line, "the first line must be the header");
    if (index < stage || (index === 0 && stage === 0))
      throw malformed(line, `a ${String(o.type)} line may not come after a ${ORDER[stage]} line`);
    stage = index;
    const f = fieldReader(o, line);
    switch (o.type) {
      case "header":
        if (o.format !== "meshpay-bundle") throw malformed(line, 'format must be "meshpay-bundle"');
        if (o.version !== 1) throw malformed(line, `unsupported bundle version ${JSON.stringify(o.version)}`);
        out.header = {
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
        break;
      case "pool":
        out.pools.push({
          line,
          poolId: f.hex("poolId", 32),
          pricePerGB: f.uint("pricePerGB"),
          available: f.uint("available"),
          epochBytes: f.uint("epochBytes"),
          rawTotal: f.uint("rawTotal"),
          total: f.uint("total"),
        });
        break;
      case "ticket":
        ticketLines++;
        if (options.only === "leaves") break;
        out.tickets.push({
          line,
          ticketHash: f.hex("ticketHash", 32),
          signed: decode(line, "ticket", () =>
            signedViewerTicketFromJson({ ticket: o.ticket, signature: o.signature }),
          ),
        });
        break;
      case "receipt":
        receiptLines++;
        if (options.only === "leaves") break;
        out.receipts.push({
          line,
          receiptId: f.hex("receiptId", 32),
          signed: decode(line, "receipt", () =>
            signedChunkReceiptFromJson({ receipt: o.receipt, signature: o.signature }),
          ),
        });
        break;
      case "leaf":
        out.leaves.push({
          line,
          account: f.hex("account", 20),
          poolId: f.hex("poolId", 32),
          cumulativeAmount: f.uint("cumulativeAmount"),
          epochBytes: f.uint("epochBytes"),
          epochAmount: f.uint("epochAmount"),
          receiptsRoot: f.hex("receiptsRoot", 32),
        });
        break;
      case "end":
        end = { receiptCount: f.count("receiptCount"), leafCount: f.count("leafCount") };
        break;
    }
  }
  const h = out.header!;
  if (!end) throw malformed(lines.length, "the end line is missing (truncated download?)");
  const counts: [string, number, number][] = [
    ["poolCount", h.poolCount, out.pools.length],
    ["ticketCount", h.ticketCount, ticketLines],
    ["receiptCount", h.receiptCount, receiptLines],
    ["leafCount", h.leafCount, out.leaves.length],
  ];
  for (const [name, said, found] of counts)
    if (said !== found) throw malformed(1, `the header's ${name} is ${said} but the bundle has ${found}`);
  if (end.receiptCount !== receiptLines || end.leafCount !== out.leaves.length)
    throw malformed(lines.length, "the end line's counts do not match the bundle");
  return out as EpochBundle;
}

function decode<T>(line: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw new CliError(
      "BUNDLE_MALFORMED",
      `Line ${line} of the bundle: the ${what} is malformed (${(cause as Error).message.split("\n")[0]}).`,
      { cause },
    );
  }
}

function fieldReader(o: Record<string, unknown>, line: number) {
  return {
    uint(name: string): bigint {
      const v = o[name];
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
      if (typeof v === "string" && /^(0|[1-9]\d*)$/.test(v) && v.length <= 78) return BigInt(v);
      throw malformed(line, `${name} must be an unsigned integer`);
    },
    count(name: string): number {
      const v = o[name];
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
      if (typeof v === "string" && /^(0|[1-9]\d*)$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
      throw malformed(line, `${name} must be a count`);
    },
    hex(name: string, bytes: number): Hex {
      const v = o[name];
      if (typeof v === "string" && v.length === 2 + 2 * bytes && /^0x[0-9a-fA-F]*$/.test(v))
        return v.toLowerCase() as Hex;
      throw malformed(line, `${name} must be 0x-hex of ${bytes} bytes`);
    },
  };
}

function malformed(line: number, why: string): CliError {
  return new CliError("BUNDLE_MALFORMED", `Line ${line} of the bundle: ${why}.`, { data: { line } });
}
