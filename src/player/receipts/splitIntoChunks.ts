import { PlayerError } from "../errors/PlayerError.ts";

/**
 * Cuts `bytes` into consecutive views of `chunkBytes` bytes from the first byte; the last one is shorter when
 * the length is not a multiple. An empty input gives no chunk. The views share `bytes`' memory.
 */
export function splitIntoChunks(bytes: Uint8Array, chunkBytes: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new PlayerError("INVALID_ARGUMENT", "bytes must be a Uint8Array.");
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0)
    throw new PlayerError("INVALID_ARGUMENT", "chunkBytes must be a positive integer.");
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) out.push(bytes.subarray(at, at + chunkBytes));
  return out;
}
