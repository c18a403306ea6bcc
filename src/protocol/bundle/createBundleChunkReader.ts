import { type BundleReader, createBundleReader, type ReadBundleOptions } from "./createBundleReader.ts";
import { type BundleRecordReader, createBundleRecordReader } from "./createBundleRecordReader.ts";
import { malformedBundle as malformed } from "./malformedBundle.ts";
import { BUNDLE_V2_MAGIC, BUNDLE_V3, type BundleItem } from "./types.ts";

export type BundleChunkReader = {
  /** Parses what `chunk` (the next bytes of the bundle, any split) completes and appends its items to `out`. */
  push(chunk: Uint8Array, out: BundleItem[]): void;
  /** Call once the bytes have ended (appends what a last unterminated v1 line held): throws when incomplete. */
  finish(out: BundleItem[]): void;
  /** The format, once the first bytes told it. */
  readonly version: 1 | 2 | 3 | undefined;
};

const LEFT_BRACE = 0x7b;

/**
 * The one bundle parser fed bytes, synchronously, any format (docs/bundle.md): the first bytes tell the version
 * (v2 and v3 start with the magic "MPBUNDL" and their version byte, v1 with the `{` of its header line; from the
 * leaves, a v1 leaf line starts with `{` and a binary leaf or end record with its type byte, of the format
 * `options.leavesVersion`, default 2), then v1 lines go through createBundleReader and v2/v3 records through
 * createBundleRecordReader. Holds a chunk and one unfinished line or
 * record. Throws ProtocolError BUNDLE_MALFORMED: field "format" when the bytes are no meshpay bundle, "version"
 * for a version this code does not read, else the line (v1) or record (v2) and field of the first problem.
 */
export function createBundleChunkReader(options: ReadBundleOptions = {}): BundleChunkReader {
  const fromLeaves = options.startAt === "leaf";
  let version: 1 | 2 | 3 | undefined;
  let head: Uint8Array = new Uint8Array(0);
  let v1: { reader: BundleReader; decoder: TextDecoder; rest: string } | undefined;
  let records: BundleRecordReader | undefined;

  /** Decides the version from the first bytes; false while too few have arrived. */
  const sniff = (bytes: Uint8Array, final: boolean): boolean => {
    if (bytes.length === 0) return final;
    if (bytes[0] === LEFT_BRACE) version = 1;
    else if (fromLeaves) version = options.leavesVersion ?? 2;
    else {
      const known = Math.min(bytes.length, 7);
      for (let i = 0; i < known; i++)
        if (bytes[i] !== BUNDLE_V2_MAGIC[i])
          throw malformed(1, "format", "this is no meshpay bundle (neither the v2 magic MPBUNDL nor a v1 JSON line)");
      if (bytes.length < 8) {
        if (final) throw malformed(1, "(file)", "the bundle ends inside its magic (truncated?)");
        return false;
      }
      if (bytes[7] !== BUNDLE_V2_MAGIC[7] && bytes[7] !== BUNDLE_V3)
        throw malformed(1, "version", `unsupported bundle version ${bytes[7]} (this reader reads versions 1 to 3)`);
      version = bytes[7] === BUNDLE_V3 ? 3 : 2;
    }
    if (version !== 1) records = createBundleRecordReader(options, version);
    else v1 = { reader: createBundleReader(options), decoder: new TextDecoder("utf-8", { fatal: true }), rest: "" };
    return true;
  };
  const feed = (bytes: Uint8Array, out: BundleItem[]) => {
    if (records) {
      records.push(bytes, out);
      return;
    }
    const s = v1!;
    let text: string;
    try {
      text = s.rest + s.decoder.decode(bytes, { stream: true });
    } catch (cause) {
      throw malformed(s.reader.lines + 1, "(line)", "the line is not valid UTF-8", cause);
    }
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      const item = s.reader.push(text.slice(start, nl));
      if (item) out.push(item);
      start = nl + 1;
    }
    s.rest = text.slice(start);
  };
  return {
    push(chunk, out) {
      if (version === undefined) {
        const joined = head.length === 0 ? chunk : concat(head, chunk);
        if (!sniff(joined, false)) {
          head = joined.slice();
          return;
        }
        head = new Uint8Array(0);
        feed(records && !fromLeaves ? joined.subarray(8) : joined, out);
        return;
      }
      feed(chunk, out);
    },
    finish(out) {
      if (version === undefined) {
        sniff(head, true);
        if (version === undefined) {
          createBundleReader(options).finish(); // no byte at all: "the bundle is empty"
          return;
        }
        feed(records && !fromLeaves ? head.subarray(8) : head, out);
      }
      if (records) {
        records.finish();
        return;
      }
      const s = v1!;
      let rest: string;
      try {
        rest = s.rest + s.decoder.decode();
      } catch (cause) {
        throw malformed(s.reader.lines + 1, "(line)", "the line is not valid UTF-8", cause);
      }
      if (rest.length > 0)
        throw malformed(s.reader.lines + 1, "(file)", "the bundle does not end with a newline (truncated?)");
      s.reader.finish();
    },
    get version() {
      return version;
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
