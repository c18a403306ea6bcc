import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CliError } from "../errors/CliError.ts";
import { projectRoot } from "./projectRoot.ts";

/**
 * Resolves a package of the Hardhat toolchain (hardhat, @nomicfoundation/ignition-core: devDependencies) from the
 * meshpay source checkout this CLI runs from, for the `dev` commands. The published `meshpay` package has neither the
 * toolchain nor the contract sources, so outside a checkout (no hardhat.config.ts beside the CLI) this throws
 * SOURCE_CHECKOUT_REQUIRED, naming `command`, instead of a module-not-found error.
 */
export function resolveFromSourceCheckout(specifier: string, command: string): string {
  if (!existsSync(join(projectRoot, "hardhat.config.ts")))
    throw new CliError(
      "SOURCE_CHECKOUT_REQUIRED",
      `\`meshpay ${command}\` runs Hardhat, so it needs a source checkout of meshpay; this meshpay is an installed package.`,
      { hint: "Clone the meshpay repository, run `npm install` in it and run the command there (npx meshpay …)." },
    );
  return createRequire(join(projectRoot, "package.json")).resolve(specifier);
}
