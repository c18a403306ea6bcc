// A small JSON-RPC HTTP proxy in front of the local chain that a test can cut, to play RPC outages. No tests here.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { freePort } from "./localChain.ts";

/** What to do with one JSON-RPC call: pass it, cut the connection, or forward it and then cut before answering. */
export type ProxyAction = "pass" | "cut" | "forward-then-cut";

export type RpcProxy = {
  url: string;
  /** While true every request has its connection destroyed (an unreachable RPC). */
  down: boolean;
  /** Decides per call (default: pass). */
  intercept: (method: string, params: unknown[]) => ProxyAction | Promise<ProxyAction>;
  /** JSON-RPC methods seen, in order. */
  seen: string[];
  close(): Promise<void>;
};

export async function startRpcProxy(target: string): Promise<RpcProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const proxy: RpcProxy = {
    url: `http://127.0.0.1:${port}`,
    down: false,
    intercept: () => "pass",
    seen: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const cut = (req: IncomingMessage) => req.socket.destroy();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (proxy.down) return cut(req);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let calls: { method: string; params: unknown[] }[] = [];
    try {
      const parsed = JSON.parse(body.toString("utf8")) as
        | { method: string; params: unknown[] }
        | { method: string; params: unknown[] }[];
      calls = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      // not JSON: pass it on
    }
    let action: ProxyAction = "pass";
    for (const c of calls) {
      proxy.seen.push(c.method);
      const a = await proxy.intercept(c.method, c.params ?? []);
      if (a !== "pass") action = a;
    }
    if (proxy.down || action === "cut") return cut(req);
    try {
      const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await upstream.text();
      if (proxy.down || action === "forward-then-cut") return cut(req);
      res.writeHead(upstream.status, { "content-type": "application/json" });
      res.end(text);
    } catch {
      cut(req);
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return proxy;
}
