import type { Hex } from "../protocol/types.ts";
import { MeshpayApiError } from "./MeshpayApiError.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";

/**
 * GET /v1/epochs/:epoch/bundle (`part: "bundle"`) or /v1/epochs/:epoch/bundle/leaves (`part: "leaves"`: the leaf
 * lines and end line only) pinned to `bundleHash`, as a stream the caller hashes and parses without holding it
 * whole. `servedHash` is the X-Meshpay-Bundle-Hash header (the caller still hashes what it reads).
 */
export async function openBundle(
  client: AggregatorClient,
  args: { epoch: bigint | number; bundleHash: Hex; part?: "bundle" | "leaves"; signal?: AbortSignal },
): Promise<{ url: string; body: ReadableStream<Uint8Array>; size: number | null; servedHash: Hex | null }> {
  const path = `v1/epochs/${args.epoch}/bundle${args.part === "leaves" ? "/leaves" : ""}`;
  const res = await requestService(client, {
    path,
    query: { hash: args.bundleHash },
    headers: { accept: "application/octet-stream, application/json" },
    stream: true,
    ...(args.signal ? { signal: args.signal } : {}),
  });
  const body = res.response?.body;
  if (!body)
    throw new MeshpayApiError({
      code: "BAD_RESPONSE",
      shortMessage: `The bundle of epoch ${args.epoch} came without a body.`,
      service: client.service,
      method: "GET",
      url: res.url,
      status: res.status,
    });
  const length = res.headers.get("content-length");
  return {
    url: res.url,
    body,
    size: length ? Number(length) : null,
    servedHash: (res.headers.get("x-meshpay-bundle-hash")?.toLowerCase() as Hex | undefined) ?? null,
  };
}
