import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { getKeystorePath, resolvePath } from "../../context/resolvePath.ts";
import { CliError } from "../../errors/CliError.ts";
import { encryptKeystore } from "../../keys/encryptKeystore.ts";
import { encryptWeb3Keystore } from "../../keys/encryptWeb3Keystore.ts";
import type { KeystoreFormat } from "../../keys/openKeystore.ts";

/**
 * Asks for (or reads MESHPAY_KEYSTORE_PASSWORD) a new password, seals `privateKey` in the chosen format (meshpay's
 * by default, or Web3 Secret Storage v3 for geth, cast and ethers) and writes the file with mode 0600.
 */
export async function writeKeystoreFile(
  ctx: CommandContext,
  privateKey: Hex,
  options: { out?: string; force?: boolean; format?: KeystoreFormat },
): Promise<{ address: Hex; path: string; format: KeystoreFormat }> {
  const path = options.out ? resolvePath(ctx.deps, options.out) : getKeystorePath(ctx.deps, ctx.globals);
  if (existsSync(path) && !options.force)
    throw new CliError("KEYSTORE_EXISTS", `${path} already exists; it was left untouched.`, {
      hint:
        "Choose another file with --out, or pass --force to replace it (the key in it is lost unless you have a " +
        "copy).",
    });
  let password = ctx.deps.env.MESHPAY_KEYSTORE_PASSWORD;
  if (password === undefined) {
    password = await ctx.deps.prompt("New keystore password: ", { hidden: true });
    const again = await ctx.deps.prompt("Repeat the password: ", { hidden: true });
    if (again !== password) throw new CliError("USAGE", "The two passwords differ; nothing was written.");
  }
  if (password.length < 8)
    throw new CliError("USAGE", "The keystore password must have at least 8 characters; nothing was written.");
  const format = options.format ?? "meshpay";
  const keystore =
    format === "web3" ? encryptWeb3Keystore(privateKey, password) : encryptKeystore(privateKey, password);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600 });
  return { address: privateKeyToAddress(privateKey), path, format };
}
