import { createBundleReader, type ReadBundleOptions } from "./createBundleReader.ts";
import { malformedBundle as malformed } from "./malformedBundle.ts";
import type { BundleItem } from "./types.ts";

/** Bytes of a bundle, whole or in chunks (any split), or its lines without their "\n" (e.g. node:readline's). */
export type BundleSource = Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Streams the items of an epoch bundle from `source` through createBundleReader (the one bundle parser), so Node
 * streams, fetch bodies and browsers all feed it; bytes are decoded with TextDecoder. A byte source must end with
 * "\n". Throws ProtocolError BUNDLE_MALFORMED naming the line and field of the first problem.
 */
export async function* readBundleItems(
  source: BundleSource,
  options: ReadBundleOptions = {},
): AsyncGenerator<BundleItem, void, undefined> {
  const reader = createBundleReader(options);
  for await (const raw of splitLines(source)) {
    const item = reader.push(raw);
    if (item) yield item;
  }
  reader.finish();
}

/** Lines of `source`; a byte source must end with "\n" (else BUNDLE_MALFORMED: truncated). */
async function* splitLines(source: BundleSource): AsyncGenerator<string, void, undefined> {
  const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> =
    source instanceof Uint8Array ? [source] : source;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let lines = 0;
  let sawBytes = false;
  for await (const chunk of chunks) {
    if (typeof chunk === "string") {
      lines++;
      yield chunk;
      continue;
    }
    sawBytes = true;
    let text: string;
    try {
      text = rest + decoder.decode(chunk, { stream: true });
    } catch (cause) {
      throw malformed(lines + 1, "(line)", "the line is not valid UTF-8", cause);
    }
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      lines++;
      yield text.slice(start, nl);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (!sawBytes) return;
  try {
    rest += decoder.decode();
  } catch (cause) {
    throw malformed(lines + 1, "(line)", "the line is not valid UTF-8", cause);
  }
  if (rest.length > 0) throw malformed(lines + 1, "(file)", "the bundle does not end with a newline (truncated?)");
}
