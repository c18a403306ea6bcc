import { addBundleItem, emptyBundle } from "./addBundleItem.ts";
import { createBundleChunkReader } from "./createBundleChunkReader.ts";
import type { ReadBundleOptions } from "./createBundleReader.ts";
import type { Bundle, BundleItem } from "./types.ts";

const SLICE = 1 << 20;

/**
 * Parses a whole epoch bundle held in memory, either format (docs/bundle.md), synchronously: the same parser as
 * readBundleItems (createBundleChunkReader), fed one buffer. Throws ProtocolError BUNDLE_MALFORMED naming the line
 * (v1) or record (v2) and the field.
 */
export function parseBundleBytes(bytes: Uint8Array, options: Omit<ReadBundleOptions, "startAt"> = {}): Bundle {
  const reader = createBundleChunkReader(options);
  const bundle = emptyBundle();
  const items: BundleItem[] = [];
  const take = () => {
    for (const item of items) addBundleItem(bundle, item);
    items.length = 0;
  };
  // Fed a slice at a time, so the items between are never more than a slice's worth.
  for (let at = 0; at < bytes.length; at += SLICE) {
    reader.push(bytes.subarray(at, at + SLICE), items);
    take();
  }
  reader.finish(items);
  take();
  return bundle as Bundle;
}
