// Entry point of the `meshpay` command (bin/meshpay.js runs this file with the Node running it).
import { createDefaultDeps } from "./context/createDefaultDeps.ts";
import { runMeshpay } from "./program/runMeshpay.ts";

// A reader that stops early (`meshpay --help | head`) closes the pipe: that is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runMeshpay(process.argv.slice(2), createDefaultDeps());
