import { addBundleItem, emptyBundle } from "./addBundleItem.ts";
import { createBundleReader, type ReadBundleOptions } from "./createBundleReader.ts";
import { malformedBundle } from "./malformedBundle.ts";
import type { Bundle } from "./types.ts";

/**
 * Parses a whole epoch bundle held in memory, synchronously (the same parser as readBundleItems, fed from one
 * buffer). The bytes must end with "\n". Throws ProtocolError BUNDLE_MALFORMED naming the line and field.
 */
export function parseBundleBytes(bytes: Uint8Array, options: Omit<ReadBundleOptions, "startAt"> = {}): Bundle {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw malformedBundle(1, "(file)", "the bundle is not valid UTF-8", cause);
  }
  const reader = createBundleReader(options);
  const bundle = emptyBundle();
  let start = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
    addBundleItem(bundle, reader.push(text.slice(start, nl)));
    start = nl + 1;
  }
  if (start < text.length)
    throw malformedBundle(reader.lines + 1, "(file)", "the bundle does not end with a newline (truncated?)");
  reader.finish();
  return bundle as Bundle;
}
