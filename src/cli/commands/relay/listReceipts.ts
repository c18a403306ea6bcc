import { existsSync } from "node:fs";
import type { Address, Hex } from "../../../protocol/types.ts";
import { RelaySdkError } from "../../../relay-sdk/errors/RelaySdkError.ts";
import { openRelayStoreReader } from "../../../relay-sdk/relay/openRelayStoreReader.ts";
import type { RelayStoreReader } from "../../../relay-sdk/relay/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolvePath } from "../../context/resolvePath.ts";
import { CliError } from "../../errors/CliError.ts";

const STATUSES = ["pending", "submitting", "accepted", "rejected", "failed"] as const;
type Status = (typeof STATUSES)[number];

export type ReceiptsResult = {
  store: string;
  relay: Address;
  chainId: string;
  distributor: Address;
  /**
   * Receipts and bytes by status: pending (not sent yet), submitting (sent, no answer yet), accepted, rejected,
   * failed.
   */
  totals: Record<Status | "stored" | "submitted", { receipts: number; bytes: number }>;
  batches: { open: number; done: number; failed: number };
  /**
   * Accepted receipts per pool and epoch (the epoch the aggregator credits them to), and what is not accepted per
   * pool.
   */
  byPool: { poolId: Hex; epoch: number | null; status: Status; receipts: number; bytes: number }[];
  oldestUnsettledAt: number | null;
  lastError: { code: string; message: string; batch: string; at: number } | null;
  /** With --list: individual receipts, newest first. */
  receipts?: {
    receiptId: Hex;
    poolId: Hex;
    status: Status;
    epoch: number | null;
    size: number;
    addedAt: number;
    errors: { code: string; message: string }[];
  }[];
};

/**
 * `meshpay receipts`: what the local relay store (the relay SDK's SQLite file) holds — receipts and bytes stored,
 * submitted to the aggregator and accepted (per pool and epoch), rejected with reasons, and the last error. Reads it
 * through the relay SDK's read-only reader (openRelayStoreReader): a running relay is not disturbed.
 */
export async function listReceipts(
  args: { store?: string; list?: string; limit?: string },
  ctx: CommandContext,
): Promise<ReceiptsResult> {
  const path = resolvePath(ctx.deps, args.store || ctx.deps.env.MESHPAY_RELAY_STORE || ".meshpay/relay.sqlite");
  if (!existsSync(path))
    throw new CliError("STORE_UNAVAILABLE", `No relay store at ${path}.`, {
      hint: "Give the relay's SQLite file with --store <file> (or MESHPAY_RELAY_STORE).",
    });
  const list = args.list === undefined ? undefined : args.list === "all" ? "all" : (args.list as Status);
  if (list !== undefined && list !== "all" && !STATUSES.includes(list))
    throw new CliError(
      "USAGE",
      `--list takes one of ${[...STATUSES, "all"].join(", ")}, not ${JSON.stringify(args.list)}.`,
    );
  const limit = args.limit === undefined ? 20 : Number(args.limit);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new CliError("USAGE", `--limit must be a positive whole number, not ${JSON.stringify(args.limit)}.`);

  let reader: RelayStoreReader;
  try {
    reader = openRelayStoreReader(path);
  } catch (cause) {
    const message =
      cause instanceof RelaySdkError
        ? cause.shortMessage
        : `${path} cannot be opened as a relay store: ${(cause as Error).message}`;
    throw new CliError("STORE_UNAVAILABLE", message, { cause });
  }
  try {
    const meta = reader.meta();
    const summary = reader.summary();
    const totals = Object.fromEntries(
      [...STATUSES, "stored", "submitted"].map((s) => [s, { receipts: 0, bytes: 0 }]),
    ) as ReceiptsResult["totals"];
    for (const status of STATUSES) {
      const tally = { receipts: summary.receipts[status], bytes: summary.bytes[status] };
      totals[status] = tally;
      totals.stored.receipts += tally.receipts;
      totals.stored.bytes += tally.bytes;
      if (status !== "pending") {
        totals.submitted.receipts += tally.receipts;
        totals.submitted.bytes += tally.bytes;
      }
    }
    const { total: _total, ...batches } = summary.batches;
    const last = summary.lastError;
    const result: ReceiptsResult = {
      store: path,
      relay: meta.relay,
      chainId: meta.chainId,
      distributor: meta.verifyingContract,
      totals,
      batches,
      byPool: summary.byPool,
      oldestUnsettledAt: summary.oldestUnsettledAt,
      lastError: last
        ? { code: last.code ?? "UNKNOWN", message: last.message ?? "", batch: last.idempotencyKey, at: last.at }
        : null,
    };
    if (list)
      result.receipts = reader
        .listReceipts({ ...(list === "all" ? {} : { status: list }), order: "newest", limit })
        .map((r) => ({
          receiptId: r.receiptId,
          poolId: r.signed.receipt.poolId,
          status: r.status,
          epoch: r.epoch,
          size: r.size,
          addedAt: r.addedAt,
          errors: r.errors,
        }));
    return result;
  } finally {
    reader.close();
  }
}
