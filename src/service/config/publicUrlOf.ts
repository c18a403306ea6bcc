/** A service's public base URL: `publicUrl` without trailing slashes, else http://<host>:<port> (0.0.0.0 listens
 * everywhere but is no address to reach: 127.0.0.1 then). */
export function publicUrlOf(http: { host: string; port: number; publicUrl: string | undefined }): string {
  if (http.publicUrl !== undefined) return http.publicUrl.replace(/\/+$/, "");
  return `http://${http.host === "0.0.0.0" ? "127.0.0.1" : http.host}:${http.port}`;
}
