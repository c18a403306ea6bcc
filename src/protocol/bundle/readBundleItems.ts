import { type BundleChunkReader, createBundleChunkReader } from "./createBundleChunkReader.ts";
import { type BundleReader, createBundleReader, type ReadBundleOptions } from "./createBundleReader.ts";
import { malformedBundle as malformed } from "./malformedBundle.ts";
import type { BundleItem } from "./types.ts";

/** Bytes of a bundle, whole or in chunks (any split), or its lines without their "\n" (e.g. node:readline's). */
export type BundleSource = Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Streams the items of an epoch bundle from `source`, either format (docs/bundle.md), through the one bundle
 * parser: bytes through createBundleChunkReader (the first bytes tell the version), lines through
 * createBundleReader (v1 NDJSON). Node streams, fetch bodies and browsers all feed it; it holds one chunk and the
 * parser's dictionaries, never the bundle. Throws ProtocolError BUNDLE_MALFORMED naming the line (v1) or record
 * (v2) and the field of the first problem.
 */
export async function* readBundleItems(
  source: BundleSource,
  options: ReadBundleOptions = {},
): AsyncGenerator<BundleItem, void, undefined> {
  const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> =
    source instanceof Uint8Array ? [source] : source;
  let lines: BundleReader | undefined;
  let bytes: BundleChunkReader | undefined;
  const out: BundleItem[] = [];
  for await (const chunk of chunks) {
    if (typeof chunk === "string") {
      if (bytes) throw malformed(1, "(file)", "a bundle source gave both bytes and lines");
      lines ??= createBundleReader(options);
      const item = lines.push(chunk);
      if (item) yield item;
      continue;
    }
    if (lines) throw malformed(1, "(file)", "a bundle source gave both lines and bytes");
    bytes ??= createBundleChunkReader(options);
    bytes.push(chunk, out);
    for (const item of out) yield item;
    out.length = 0;
  }
  if (lines) lines.finish();
  else {
    bytes ??= createBundleChunkReader(options);
    bytes.finish(out);
    for (const item of out) yield item;
  }
}
