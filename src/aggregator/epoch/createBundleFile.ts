import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createKeccak } from "hash-wasm";
import type { Hex } from "../../protocol/types.ts";

export type BundleFile = {
  /** Appends one line (already ending in "\n"). */
  write(line: string): void;
  /** Bytes written so far (the offset of the next line). */
  readonly offset: number;
  /** Flushes, fsyncs, renames the temporary file to `path` and fsyncs the folder; returns keccak256 of the bytes. */
  finish(): { hash: Hex; bytes: number };
  /** Removes nothing, closes the temporary file (on failure). */
  abort(): void;
};

/**
 * A bundle being written to `${path}.tmp`: lines are buffered, hashed with keccak-256 as they are flushed, and the
 * file appears at `path` only once complete and durable, so a crash never leaves a truncated bundle under its name.
 */
export async function createBundleFile(path: string, flushBytes = 1 << 20): Promise<BundleFile> {
  const keccak = await createKeccak(256);
  keccak.init();
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  let pending: string[] = [];
  let pendingLength = 0;
  let offset = 0;
  let closed = false;
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(""), "utf8");
    pending = [];
    pendingLength = 0;
    keccak.update(buf);
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
  };
  return {
    write(line) {
      pending.push(line);
      pendingLength += line.length;
      // Bundle lines are ASCII, so string length is byte length.
      offset += line.length;
      if (pendingLength >= flushBytes) flush();
    },
    get offset() {
      return offset;
    },
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
      closed = true;
    },
  };
}
