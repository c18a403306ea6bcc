import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { VerifierError } from "../errors/VerifierError.ts";

export type FetchBundleOptions = {
  /** Gives up after this long (default 30 s). */
  timeoutMs?: number;
  /** Refuses bodies larger than this (default 2 GiB). */
  maxBytes?: number;
  /** Whether file: URIs may be read (default true; a public verifier may turn them off). */
  allowFile?: boolean;
};

/**
 * Downloads the bytes at a bundle URI: http(s) (status 200 only, body streamed up to `maxBytes`) or file:.
 * Throws VerifierError BUNDLE_UNAVAILABLE saying why (unsupported scheme, network error, timeout, HTTP status,
 * too large). The caller decides when unavailability becomes a fault.
 */
export async function fetchBundle(uri: string, options: FetchBundleOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw unavailable(uri, "it is not a URL", cause);
  }
  if (url.protocol === "file:") {
    if (options.allowFile === false)
      throw unavailable(uri, "file: URIs are not allowed by this verifier's configuration");
    const path = fileURLToPath(url);
    try {
      const info = await stat(path);
      if (info.size > maxBytes) throw unavailable(uri, `it is ${info.size} bytes, over the ${maxBytes}-byte limit`);
      return new Uint8Array(await readFile(path));
    } catch (cause) {
      if (cause instanceof VerifierError) throw cause;
      throw unavailable(uri, (cause as Error).message, cause);
    }
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw unavailable(uri, `the scheme ${url.protocol} is not supported (http, https, file)`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (cause) {
    throw unavailable(
      uri,
      (cause as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (cause as Error).message,
      cause,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw unavailable(uri, `the server answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw unavailable(uri, `it is ${declared} bytes, over the ${maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = response.body?.getReader();
    for (;;) {
      if (!reader) break;
      const { done, value: chunk } = await reader.read();
      if (done) break;
      total += chunk.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw unavailable(uri, `it is over the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof VerifierError) throw cause;
    throw unavailable(uri, `the download broke off: ${(cause as Error).message}`, cause);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function unavailable(uri: string, why: string, cause?: unknown): VerifierError<"BUNDLE_UNAVAILABLE"> {
  return new VerifierError("BUNDLE_UNAVAILABLE", `The bundle at ${uri} could not be fetched: ${why}.`, {
    ...(cause === undefined ? {} : { cause }),
    data: { uri, reason: why },
  });
}
