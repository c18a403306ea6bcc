import { isAddress } from "viem";
import type { Address } from "../../protocol/types.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import type { ExplorerConfig } from "./ExplorerConfig.ts";

/**
 * Reads `config.json` (relative to the page) and applies the query string's overrides: `rpc`, `aggregator`,
 * `verifier`, `distributor`, `fromBlock`, `chainId`. A page hosted without config.json works from the query string
 * alone. CONFIG_INVALID when the result lacks an RPC URL or a distributor address.
 */
export async function loadExplorerConfig(
  search: string = globalThis.location?.search ?? "",
  fetchFn: typeof fetch = fetch,
): Promise<ExplorerConfig> {
  let file: Record<string, unknown> = {};
  try {
    const res = await fetchFn("config.json", { cache: "no-store" });
    if (res.ok) file = (await res.json()) as Record<string, unknown>;
  } catch {
    // no config.json: the query string must say everything
  }
  const q = new URLSearchParams(search);
  const pick = (key: string, fileKey = key) => q.get(key) ?? (file[fileKey] as string | number | null | undefined);
  const rpcUrl = pick("rpc", "rpcUrl");
  const distributor = pick("distributor");
  if (typeof rpcUrl !== "string" || rpcUrl === "")
    throw new ExplorerError("CONFIG_INVALID", "No JSON-RPC URL is configured (config.json rpcUrl or ?rpc=).");
  if (typeof distributor !== "string" || !isAddress(distributor, { strict: false }))
    throw new ExplorerError("CONFIG_INVALID", "No distributor address is configured (config.json or ?distributor=).");
  const optionalUrl = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    chainId: Number(pick("chainId") ?? 0),
    rpcUrl,
    distributor: distributor as Address,
    fromBlock: BigInt(pick("fromBlock") ?? 0),
    aggregatorUrl: optionalUrl(pick("aggregator", "aggregatorUrl")),
    verifierUrl: optionalUrl(pick("verifier", "verifierUrl")),
    cdnUsdPerGB: Number(pick("cdnUsdPerGB") ?? 0.05),
    tokenUsd: Number(pick("tokenUsd") ?? 1),
  };
}
