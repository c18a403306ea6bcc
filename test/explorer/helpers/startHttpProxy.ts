// Test helper: an HTTP proxy a test can cut (`down`, or `cut` for some paths) or make lie (`rewrite`), with the CORS
// headers a browser page on another origin needs. It stands in front of the chain's RPC (an outage) and of the
// aggregator (a tampered bundle, a tampered leaf or proof, a leaf endpoint that does not answer). The aggregator's
// bundle headers (X-Meshpay-Bundle-Hash, X-Meshpay-Leaves-Offset) are passed through, as a real reverse proxy would.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { freePort } from "../../cli/helpers/startHardhatNode.ts";

export type HttpProxy = {
  url: string;
  /** While true every request has its connection destroyed (the service is unreachable). */
  down: boolean;
  /** Paths (with query) whose requests have their connection destroyed, while the others are served. */
  cut: (path: string) => boolean;
  /** Rewrites an answer's body (path with query, the upstream bytes); undefined leaves it as it is. */
  rewrite: (path: string, body: Buffer) => Buffer | undefined;
  close(): Promise<void>;
};

/** The aggregator's headers that tell which bundle a stream is and where its leaf section starts. */
const PASSED = ["x-meshpay-bundle-hash", "x-meshpay-leaves-offset"];

export async function startHttpProxy(target: string): Promise<HttpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "content-type, accept",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-expose-headers": PASSED.join(", "),
  };
  const proxy: HttpProxy = {
    url: `http://127.0.0.1:${port}`,
    down: false,
    cut: () => false,
    rewrite: () => undefined,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (proxy.down || proxy.cut(req.url ?? "/")) return req.socket.destroy();
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      return res.end();
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const upstream = await fetch(new URL(req.url ?? "/", target), {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      const original = Buffer.from(await upstream.arrayBuffer());
      const body = proxy.rewrite(req.url ?? "/", original) ?? original;
      if (proxy.down) return req.socket.destroy();
      const passed: Record<string, string> = {};
      for (const h of PASSED) {
        const v = upstream.headers.get(h);
        if (v !== null) passed[h] = v;
      }
      res.writeHead(upstream.status, {
        ...cors,
        ...passed,
        "content-type": upstream.headers.get("content-type") ?? "application/octet-stream",
        "content-length": String(body.length),
      });
      res.end(body);
    } catch {
      req.socket.destroy();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return proxy;
}
