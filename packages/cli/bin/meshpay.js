#!/usr/bin/env node
// Launcher of the installed `meshpay` command: runs the built JavaScript (lib/cli/main.js). The supported Node range
// is the one in package.json's "engines" (>=22.18), the same as the source checkout's bin/meshpay.js.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import(new URL("../lib/cli/main.js", import.meta.url).href);
} else {
  process.stderr.write(`meshpay needs Node.js 22.18 or newer; this is ${process.version}.\n`);
  process.exit(1);
}
