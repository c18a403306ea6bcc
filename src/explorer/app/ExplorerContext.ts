import type { ExplorerApi } from "../api/ExplorerApi.ts";
import type { BundleChecker } from "../bundle/BundleChecker.ts";
import type { ChainView, ExplorerChain } from "../chain/ExplorerChain.ts";
import type { ExplorerConfig } from "../config/ExplorerConfig.ts";

/** What every page receives: the configuration, the two readers, the bundle checker and the chain as last read. */
export type ExplorerContext = {
  config: ExplorerConfig;
  chain: ExplorerChain;
  api: ExplorerApi;
  bundles: BundleChecker;
  view: ChainView;
  /** Date.now() when `view` was read (countdowns tick from it). */
  readAt: number;
};
