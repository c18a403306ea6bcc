// A local WebTorrent tracker (WebSocket only) for p2p-media-loader's peer discovery and WebRTC signalling.
// bittorrent-tracker's root module pulls its client (and a native WebRTC addon); only its server is imported.
// @ts-expect-error bittorrent-tracker ships no types
import Server from "bittorrent-tracker/server";

export type Tracker = { url: string; close(): Promise<void> };

/** Starts the tracker on `host` (a random port) and returns its ws:// URL. */
export async function startTracker(host: string): Promise<Tracker> {
  const server = new Server({ udp: false, http: false, ws: true, stats: false, interval: 5_000 });
  server.on("error", () => undefined);
  server.on("warning", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.http.address() as { port: number };
  return {
    url: `ws://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
