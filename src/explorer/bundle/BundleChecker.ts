import type { EpochPostView } from "../chain/ExplorerChain.ts";
import type { BundleCheck } from "./BundleCheck.ts";

/** Checks each posted bundle once per page session (by bundle hash) and shares the result between pages. */
export type BundleChecker = {
  check(post: EpochPostView): Promise<BundleCheck>;
  /** The result if this post's bundle was already checked. */
  peek(post: EpochPostView): BundleCheck | undefined;
};
