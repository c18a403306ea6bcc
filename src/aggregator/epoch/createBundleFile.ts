import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createKeccak } from "hash-wasm";
import { type BundleRecordWriter, createBundleRecordWriter } from "../../protocol/bundle/createBundleRecordWriter.ts";
import { BUNDLE_V2_MAGIC } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";

export type BundleFile = {
  /** Encodes the records (docs/bundle.md, version 2); call `flushIfFull` now and then to bound the memory. */
  readonly records: BundleRecordWriter;
  /** Writes out what was encoded once it passes the flush size. */
  flushIfFull(): void;
  /** Writes out what was encoded; returns the file offset of the next record (the leaves endpoint serves from it). */
  flush(): number;
  /** Flushes, fsyncs, renames the temporary file to `path` and fsyncs the folder; returns keccak256 of the bytes. */
  finish(): { hash: Hex; bytes: number };
  /** Removes nothing, closes the temporary file (on failure). */
  abort(): void;
};

/**
 * A version-2 bundle being written to `${path}.tmp`: the magic, then records encoded in memory and written out
 * (and hashed with keccak-256) a buffer at a time, so the file appears at `path` only once complete and durable
 * and a crash never leaves a truncated bundle under its name.
 */
export async function createBundleFile(path: string, flushBytes = 1 << 20): Promise<BundleFile> {
  const keccak = await createKeccak(256);
  keccak.init();
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  const records = createBundleRecordWriter(flushBytes + (1 << 16));
  let offset = 0;
  let closed = false;
  const write = (buf: Uint8Array) => {
    keccak.update(buf);
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    offset += buf.length;
  };
  const flush = () => {
    if (records.length > 0) write(records.take());
    return offset;
  };
  write(Uint8Array.from(BUNDLE_V2_MAGIC));
  return {
    records,
    flushIfFull() {
      if (records.length >= flushBytes) flush();
    },
    flush,
    finish() {
      flush();
      fsyncSync(fd);
      closeSync(fd);
      closed = true;
      renameSync(tmp, path);
      const dirFd = openSync(dirname(path), "r");
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
      return { hash: `0x${keccak.digest("hex")}`, bytes: offset };
    },
    abort() {
      if (!closed) closeSync(fd);
    },
  };
}
