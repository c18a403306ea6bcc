import type { Address } from "../../protocol/types.ts";

/**
 * What the page needs to know, from `config.json` next to index.html (written by `meshpay explorer`, or by hand when
 * the built app is hosted as static files) and the query string (`?rpc=…&aggregator=…&verifier=…` override it).
 */
export type ExplorerConfig = {
  chainId: number;
  /** JSON-RPC endpoint the browser reads the chain from (directly: the page trusts no server for chain data). */
  rpcUrl: string;
  /** The RewardDistributor (core) address. */
  distributor: Address;
  /** First block to read the distributor's events from (its deployment block). */
  fromBlock: bigint;
  /** Base URL of the aggregator's public API (docs/api.md), absolute or relative to the page. */
  aggregatorUrl: string | null;
  /** Base URL of the verifier's public API, absolute or relative to the page. */
  verifierUrl: string | null;
  /** What a CDN charges per GB, in US dollars (the comparison on the pools page). */
  cdnUsdPerGB: number;
  /** US dollars per whole token of the pools' token (1 for a dollar stablecoin such as the local TUSD). */
  tokenUsd: number;
};
