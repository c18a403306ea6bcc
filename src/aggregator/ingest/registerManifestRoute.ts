import type { Express, NextFunction, Request, Response } from "express";
import { AggregatorError } from "../errors/AggregatorError.ts";
import { readBody } from "../http/readBody.ts";
import type { ManifestIndex } from "./createManifestIndex.ts";

/**
 * POST /v1/manifests: the broadcaster hands over one signed segment manifest (docs/api.md, content binding).
 * 200 `{ poolId, segment, chunks, added }`; 400 MANIFEST_INVALID / REQUEST_INVALID_JSON, 403 MANIFEST_BAD_SIGNER,
 * 404 MANIFEST_POOL_NOT_BOUND.
 */
export function registerManifestRoute(
  app: Express,
  index: ManifestIndex,
  route: (name: string) => (req: Request, res: Response, next: NextFunction) => void,
): void {
  app.post("/v1/manifests", route("POST /v1/manifests"), async (req, res) => {
    const raw = await readBody(req, 1024 * 1024);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (cause) {
      throw new AggregatorError("REQUEST_INVALID_JSON", `The body is not valid JSON: ${(cause as Error).message}`, {
        status: 400,
      });
    }
    res.status(200).json(index.add(body));
  });
}
