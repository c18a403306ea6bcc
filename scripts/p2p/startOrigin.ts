import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { createSegmentManifest } from "../../src/player/manifest/createSegmentManifest.ts";
import type { SignedSegmentManifestJson } from "../../src/player/manifest/SegmentManifest.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";

export type OriginOptions = {
  host: string;
  /** Directory with seg00000.ts, … (encodeTestStream). */
  segmentDir: string;
  segments: string[];
  segmentSeconds: number;
  /** Segments published at start, and the playlist window. */
  initialSegments: number;
  windowSegments: number;
  /** The broadcaster's backend: the pool, the ticket signer and the EIP-712 domain for tickets and manifests. */
  poolId: Hex;
  streamId: Hex;
  ticketSignerKey: Hex;
  domain: { chainId: number; verifyingContract: Address };
  /** POST /v1/receipts is proxied there (same origin for the page). */
  aggregatorUrl: string;
  /** Called with each manifest when its segment is published (to hand it to the aggregator). */
  onManifest?: (manifest: SignedSegmentManifestJson) => Promise<void>;
  /** The page and its script. */
  pageHtml: string;
  pageScript: string;
};

export type Origin = {
  url: string;
  /** Segment bytes the origin served (what a CDN would bill), by path prefix (/live or /corrupt). */
  served(): { live: number; corrupt: number; manifests: number };
  /** How many segments are published now. */
  published(): number;
  close(): Promise<void>;
};

/**
 * The broadcaster's side of the P2P run in one small HTTP server: a live HLS playlist whose window advances
 * every segment duration (/live/stream.m3u8), the segments and their signed manifests (`.meshpay.json`), the
 * same segments with flipped bytes under /corrupt/ (for a corrupting viewer), a ticket issuer (POST /tickets),
 * an untrusted peer-card store (PUT/GET /peers/:id), a same-origin proxy of the aggregator's POST /v1/receipts,
 * and the viewer page.
 */
export async function startOrigin(o: OriginOptions): Promise<Origin> {
  const startedAt = Date.now();
  const files = o.segments.map((name) => readFileSync(join(o.segmentDir, name)));
  const manifests = new Map<number, SignedSegmentManifestJson>();
  const cards = new Map<string, string>();
  const served = { live: 0, corrupt: 0, manifests: 0 };
  let announced = 0;

  const published = () =>
    Math.min(files.length, o.initialSegments + Math.floor((Date.now() - startedAt) / (o.segmentSeconds * 1000)));
  const manifestFor = (i: number) => {
    let m = manifests.get(i);
    if (!m) {
      m = createSegmentManifest({
        poolId: o.poolId,
        segment: BigInt(i),
        uri: o.segments[i]!,
        bytes: files[i]!,
        signerKey: o.ticketSignerKey,
      });
      manifests.set(i, m);
    }
    return m;
  };
  // Manifests reach the aggregator as their segments are published, before any viewer can receipt them.
  const publisher = setInterval(async () => {
    const upTo = published();
    while (announced < upTo) {
      const m = manifestFor(announced);
      announced++;
      await o.onManifest?.(m).catch(() => undefined);
    }
  }, 200);
  for (let i = 0; i < o.initialSegments; i++) manifestFor(i);

  function playlist(): string {
    const count = published();
    const first = Math.max(0, count - o.windowSegments);
    const lines = [
      "#EXTM3U",
      "#EXT-X-VERSION:3",
      `#EXT-X-TARGETDURATION:${o.segmentSeconds}`,
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ];
    for (let i = first; i < count; i++) lines.push(`#EXTINF:${o.segmentSeconds.toFixed(3)},`, o.segments[i]!);
    if (count === files.length) lines.push("#EXT-X-ENDLIST");
    return `${lines.join("\n")}\n`;
  }

  async function body(req: IncomingMessage): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of req) {
      size += (part as Buffer).length;
      if (size > 4 * 1024 * 1024 + 1024) throw new Error("body too large");
      parts.push(part as Buffer);
    }
    return Buffer.concat(parts);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://origin");
    const path = url.pathname;
    res.setHeader("cache-control", "no-store");
    if (req.method === "GET" && path === "/") {
      res.setHeader("content-type", "text/html");
      return res.end(o.pageHtml);
    }
    if (req.method === "GET" && path === "/viewer.js") {
      res.setHeader("content-type", "text/javascript");
      return res.end(o.pageScript);
    }
    if (req.method === "GET" && path === "/live/stream.m3u8") {
      res.setHeader("content-type", "application/vnd.apple.mpegurl");
      return res.end(playlist());
    }
    const seg = /^\/(live|corrupt)\/(seg\d{5}\.ts)(\.meshpay\.json)?$/.exec(path);
    if (req.method === "GET" && seg) {
      const i = o.segments.indexOf(seg[2]!);
      if (i < 0 || i >= published()) {
        res.statusCode = 404;
        return res.end();
      }
      if (seg[3]) {
        served.manifests++;
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify(manifestFor(i)));
      }
      let bytes = files[i]!;
      if (seg[1] === "corrupt") {
        // One flipped byte at the very end (payload of the last TS packet): the corrupting viewer's own hls.js
        // still plays it, but it no longer matches the manifest.
        bytes = Buffer.from(bytes);
        bytes[bytes.length - 1]! ^= 0x5a;
        served.corrupt += bytes.length;
      } else served.live += bytes.length;
      res.setHeader("content-type", "video/mp2t");
      return res.end(bytes);
    }
    const peer = /^\/peers\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (peer && req.method === "PUT") {
      const raw = (await body(req)).toString("utf8");
      if (raw.length > 4096) {
        res.statusCode = 413;
        return res.end();
      }
      // First card wins: a peer publishes its own before it meets anyone, so nobody can displace it.
      if (cards.has(peer[1]!)) {
        res.statusCode = 409;
        return res.end();
      }
      cards.set(peer[1]!, raw);
      res.statusCode = 204;
      return res.end();
    }
    if (peer && req.method === "GET") {
      const card = cards.get(peer[1]!);
      res.statusCode = card ? 200 : 404;
      res.setHeader("content-type", "application/json");
      return res.end(card ?? '{"code":"PEER_UNKNOWN"}');
    }
    if (req.method === "POST" && path === "/tickets") {
      const { viewer } = JSON.parse((await body(req)).toString("utf8")) as { viewer: Address };
      const now = BigInt(Date.now());
      const ticket = signViewerTicket(
        {
          poolId: o.poolId,
          streamId: o.streamId,
          viewer,
          notBefore: now - 60_000n,
          notAfter: now + 3_600_000n,
          maxBytes: 10n ** 10n,
        },
        o.domain,
        o.ticketSignerKey,
      );
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify(signedViewerTicketToJson(ticket)));
    }
    if (req.method === "POST" && path === "/v1/receipts") {
      const upstream = await fetch(`${o.aggregatorUrl}/v1/receipts`, {
        method: "POST",
        headers: {
          "content-type": req.headers["content-type"] ?? "application/json",
          "idempotency-key": String(req.headers["idempotency-key"] ?? ""),
        },
        body: new Uint8Array(await body(req)),
      });
      res.statusCode = upstream.status;
      for (const h of ["content-type", "retry-after", "idempotent-replayed"]) {
        const v = upstream.headers.get(h);
        if (v) res.setHeader(h, v);
      }
      return res.end(Buffer.from(await upstream.arrayBuffer()));
    }
    res.statusCode = 404;
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.statusCode = 502;
      res.end(JSON.stringify({ code: "ORIGIN_ERROR", message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, o.host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${o.host}:${port}`,
    served: () => ({ ...served }),
    published,
    close: async () => {
      clearInterval(publisher);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
