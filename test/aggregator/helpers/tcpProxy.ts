// A TCP proxy in front of PostgreSQL (or any TCP server) that a test controls, to play database outages: cut every
// connection and refuse new ones, hold the bytes (a partition: nothing arrives, nothing is closed), or decide per
// chunk. Used by the ingest-store fault tests and by process-level tests (point storage.url at `proxy.url(...)`).
// No tests here.
import { createServer, type Socket, connect as tcpConnect } from "node:net";

/**
 * What to do with one chunk on its way: forward it, cut every connection before forwarding it (and refuse new ones
 * until restore()), or hold it and everything after it in both directions until release() (a partition).
 */
export type TcpProxyVerdict = "pass" | "cut" | "hold";

/** "up": client to server (queries); "down": server to client (answers). */
export type TcpProxyDirection = "up" | "down";

export type TcpProxy = {
  host: string;
  port: number;
  /** `targetUrl` (e.g. postgres://user@host:5432/db?x) with its host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  /** Decides per chunk (default: pass). Called for every chunk forwarded while not held. */
  intercept: (chunk: Buffer, direction: TcpProxyDirection) => TcpProxyVerdict;
  /** Destroys every connection (both sides) and refuses new ones (accepted, then destroyed) until restore(). */
  cut(): void;
  /** Accepts and forwards connections again (and drops any hold). */
  restore(): void;
  /** Stops forwarding in both directions, keeping the connections open and buffering what arrives. */
  hold(): void;
  /** Forwards what hold() buffered and everything after. */
  release(): void;
  /** Connections open through the proxy now. */
  readonly connections: number;
  /** Whether cut() is in force. */
  readonly isCut: boolean;
  close(): Promise<void>;
};

type Pair = { client: Socket; server: Socket; held: { socket: Socket; chunk: Buffer }[] };

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let refusing = false;
  let holding = false;

  const destroyAll = () => {
    for (const p of pairs) {
      p.client.destroy();
      p.server.destroy();
    }
    pairs.clear();
  };

  const forward = (p: Pair, to: Socket, chunk: Buffer, direction: TcpProxyDirection) => {
    if (refusing) return;
    if (holding) {
      p.held.push({ socket: to, chunk });
      return;
    }
    const verdict = proxy.intercept(chunk, direction);
    if (verdict === "cut") {
      proxy.cut();
      return;
    }
    if (verdict === "hold") {
      holding = true;
      p.held.push({ socket: to, chunk });
      return;
    }
    to.write(chunk);
  };

  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(target.port, target.host);
    const pair: Pair = { client, server: upstream, held: [] };
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => forward(pair, upstream, chunk, "up"));
    upstream.on("data", (chunk: Buffer) => forward(pair, client, chunk, "down"));
    for (const s of [client, upstream]) {
      s.on("error", close);
      s.on("close", close);
    }
  });

  const proxy: TcpProxy = {
    host: "127.0.0.1",
    port: 0,
    url(targetUrl) {
      const u = new URL(targetUrl);
      u.hostname = proxy.host;
      u.port = String(proxy.port);
      return u.toString();
    },
    intercept: () => "pass",
    cut() {
      refusing = true;
      holding = false;
      destroyAll();
    },
    restore() {
      refusing = false;
      holding = false;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const p of pairs) {
        const held = p.held.splice(0);
        for (const { socket, chunk } of held) socket.write(chunk);
      }
    },
    get connections() {
      return pairs.size;
    },
    get isCut() {
      return refusing;
    },
    async close() {
      refusing = true;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, proxy.host, () => resolve());
  });
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}
