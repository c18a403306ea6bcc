import { createReadStream, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createKeccak } from "hash-wasm";
import type { Hex } from "../../protocol/types.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { resolvePath } from "../context/resolvePath.ts";
import { CliError } from "../errors/CliError.ts";

export type DownloadedBundle = { uri: string; bytes: Uint8Array; hash: Hex };

/**
 * Downloads an epoch bundle (http(s), file: or a local path) with a progress bar, hashing it on the way
 * (keccak256 of the exact bytes). BUNDLE_UNAVAILABLE (exit 3) when it cannot be fetched.
 */
export async function downloadBundle(
  ctx: CommandContext,
  uri: string,
  label = "Downloading bundle",
): Promise<DownloadedBundle> {
  const hasher = await createKeccak(256);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array) => {
    hasher.update(chunk);
    chunks.push(chunk);
    total += chunk.length;
  };
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol === "file:") {
    const path = url ? fileURLToPath(url) : resolvePath(ctx.deps, uri);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (cause) {
      throw unavailable(uri, (cause as Error).message, cause);
    }
    const bar = ctx.output.progress(label, size, { bytes: true });
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
        take(chunk as Buffer);
        bar.update(total);
      }
    } catch (cause) {
      throw unavailable(uri, (cause as Error).message, cause);
    } finally {
      bar.stop();
    }
  } else if (url.protocol === "http:" || url.protocol === "https:") {
    let response: Response;
    try {
      response = await ctx.deps.fetch(url, { signal: AbortSignal.timeout(120_000) });
    } catch (cause) {
      const inner = (cause as Error).cause as { code?: string; message?: string } | undefined;
      throw unavailable(uri, inner?.code ?? inner?.message ?? (cause as Error).message, cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw unavailable(uri, `the server answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    const bar = ctx.output.progress(label, declared > 0 ? declared : 1, { bytes: true });
    try {
      for await (const chunk of (response.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
        take(chunk);
        if (declared <= 0) bar.setTotal(total);
        bar.update(total);
      }
    } catch (cause) {
      throw unavailable(uri, `the download broke off: ${(cause as Error).message}`, cause);
    } finally {
      bar.stop();
    }
  } else {
    throw unavailable(uri, `the scheme ${url.protocol} is not supported (http, https, file)`);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return { uri, bytes, hash: `0x${hasher.digest("hex")}` };
}

function unavailable(uri: string, why: string, cause?: unknown): CliError {
  return new CliError(
    "BUNDLE_UNAVAILABLE",
    `The bundle at ${uri} could not be fetched: ${why}.`,
    cause === undefined ? {} : { cause },
  );
}
