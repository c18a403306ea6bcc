import type { IncomingMessage } from "node:http";
import { AggregatorError } from "../errors/AggregatorError.ts";

/** REQUEST_TOO_LARGE; `closeConnection` when the rest of the body was not read (the connection must be closed). */
export type BodyTooLargeError = AggregatorError & { closeConnection: boolean };

/**
 * Reads a request body of at most `limit` bytes. Over the limit it rejects with REQUEST_TOO_LARGE (413) once it
 * has discarded the rest of the body, up to `drainLimit` bytes in all, so the client reads the answer on a
 * connection that stays usable; a body beyond even that sets `closeConnection` and is not read further.
 * A declared Content-Length over `drainLimit` is refused without reading.
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit = limit * 8): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > drainLimit) {
      reject(tooLarge(limit, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (size > drainLimit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit, true));
        return;
      }
      if (!over) chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (over) reject(tooLarge(limit, false));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(
        new AggregatorError("REQUEST_INVALID", "The request body could not be read.", { status: 400, cause: err }),
      );
    };
    const onAborted = () => onError(new Error("request aborted"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

function tooLarge(limit: number, closeConnection: boolean): BodyTooLargeError {
  const err = new AggregatorError("REQUEST_TOO_LARGE", `The body is over ${limit} bytes; split the batch.`, {
    status: 413,
    data: { maxBytes: limit },
  });
  return Object.assign(err, { closeConnection });
}
