// Test helper: a real HTTP server that serves bundles by path, and can be told to refuse some.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startBundleServer() {
  const files = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? "");
    if (!body) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"code":"NOT_FOUND"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** Serves `bytes` at `path` and returns its URL. */
    put(path: string, bytes: Uint8Array): string {
      files.set(path, bytes);
      return `${base}${path}`;
    },
    urlOf: (path: string) => `${base}${path}`,
    remove: (path: string) => files.delete(path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
