import { addBundleItem, emptyBundle } from "./addBundleItem.ts";
import type { ReadBundleOptions } from "./createBundleReader.ts";
import { parseBundleBytes } from "./parseBundleBytes.ts";
import { type BundleSource, readBundleItems } from "./readBundleItems.ts";
import type { Bundle } from "./types.ts";

/**
 * Parses a whole epoch bundle (docs/bundle.md, either format) from its bytes, its byte chunks or its lines (a stream,
 * a fetch body, node:readline). With `skipTicketsAndReceipts` the ticket and receipt lists stay empty.
 * Throws ProtocolError BUNDLE_MALFORMED naming the line and field of the first problem.
 */
export async function parseBundle(
  source: BundleSource,
  options: Omit<ReadBundleOptions, "startAt"> = {},
): Promise<Bundle> {
  if (source instanceof Uint8Array) return parseBundleBytes(source, options);
  const bundle = emptyBundle();
  for await (const item of readBundleItems(source, options)) addBundleItem(bundle, item);
  return bundle as Bundle;
}
