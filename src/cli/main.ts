// Entry point of the `meshpay` command (bin/meshpay.js runs this file with the Node running it).
import { createDefaultDeps } from "./context/createDefaultDeps.ts";
import { runMeshpay } from "./program/runMeshpay.ts";

process.exitCode = await runMeshpay(process.argv.slice(2), createDefaultDeps());
