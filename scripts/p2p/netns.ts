import { execFileSync } from "node:child_process";

/**
 * A network namespace of its own for the P2P run: loopback up, a veth pair with both ends inside (10.99.N.1/24
 * and 10.99.N.2/24) and a default route, so Chromium offers host ICE candidates and peers connect to each other
 * on 10.99.N.1 without a packet leaving the namespace. Needs root. `remove` deletes it (and its interfaces).
 */
export function createNetns(): { name: string; host: string; exec: string[]; remove(): void } {
  const n = 1 + (process.pid % 250);
  const name = `meshpay-p2p-${process.pid}`;
  const run = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
  const remove = () => {
    try {
      run("netns", "del", name);
    } catch {}
  };
  remove();
  try {
    run("netns", "add", name);
    const inNs = (...args: string[]) => run("netns", "exec", name, "ip", ...args);
    inNs("link", "set", "lo", "up");
    inNs("link", "add", "mpa0", "type", "veth", "peer", "name", "mpb0");
    inNs("addr", "add", `10.99.${n}.1/24`, "dev", "mpa0");
    inNs("addr", "add", `10.99.${n}.2/24`, "dev", "mpb0");
    inNs("link", "set", "mpa0", "up");
    inNs("link", "set", "mpb0", "up");
    inNs("route", "add", "default", "via", `10.99.${n}.2`);
  } catch (error) {
    remove();
    throw error;
  }
  return { name, host: `10.99.${n}.1`, exec: ["ip", "netns", "exec", name], remove };
}
