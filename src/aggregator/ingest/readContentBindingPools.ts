import type { Hex } from "../../protocol/types.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";

/** Reads `ingest.contentBindingPools`: absent is none; otherwise a list of 0x-prefixed 32-byte pool ids. */
export function readContentBindingPools(value: unknown): Hex[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && /^0x[0-9a-fA-F]{64}$/.test(v)))
    throw new AggregatorError(
      "CONFIG_INVALID",
      "Invalid configuration: ingest.contentBindingPools: must be a list of 0x-prefixed 32-byte pool ids.",
      { status: 500, data: { field: "ingest.contentBindingPools" } },
    );
  return value.map((v: string) => v.toLowerCase() as Hex);
}
