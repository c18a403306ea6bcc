import { promisify } from "node:util";
import { gunzip, inflate } from "node:zlib";
import { AggregatorError } from "../errors/AggregatorError.ts";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

type Decode = (data: Buffer, limit: number) => Promise<Buffer>;

const decoders: Record<string, Decode> = {
  identity: async (data) => data,
  gzip: (data, limit) => gunzipAsync(data, { maxOutputLength: limit }),
  "x-gzip": (data, limit) => gunzipAsync(data, { maxOutputLength: limit }),
  deflate: (data, limit) => inflateAsync(data, { maxOutputLength: limit }),
};

/**
 * The decoder of a request's Content-Encoding (absent, identity, gzip, x-gzip, deflate, or a list of them, applied
 * in order). Any other encoding (br, zstd, …) is refused at once with 415 REQUEST_UNSUPPORTED_ENCODING. The decoder
 * refuses a body that decodes to more than `limit` bytes (a gzip bomb) with 413 REQUEST_TOO_LARGE, and one that
 * is not valid in its encoding with 400 REQUEST_INVALID.
 */
export function getBodyDecoder(header: string | undefined): (data: Buffer, limit: number) => Promise<Buffer> {
  const names = (header ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  for (const name of names)
    if (!Object.hasOwn(decoders, name))
      throw new AggregatorError(
        "REQUEST_UNSUPPORTED_ENCODING",
        `Content-Encoding ${JSON.stringify(name)} is not supported: send the batch uncompressed, gzip or deflate.`,
        { status: 415, data: { contentEncoding: header ?? null, supported: ["gzip", "deflate", "identity"] } },
      );
  return async (data, limit) => {
    let body = data;
    for (const name of [...names].reverse()) {
      try {
        body = await decoders[name]!(body, limit);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
          throw new AggregatorError(
            "REQUEST_TOO_LARGE",
            `The decompressed body is over ${limit} bytes; split the batch.`,
            {
              status: 413,
              data: { maxBytes: limit },
            },
          );
        throw new AggregatorError("REQUEST_INVALID", `The body is not valid ${name} data.`, {
          status: 400,
          cause: err,
        });
      }
    }
    return body;
  };
}
