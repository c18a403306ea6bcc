import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolvePath } from "../../context/resolvePath.ts";
import { CliError } from "../../errors/CliError.ts";
import { type KeystoreFormat, openKeystore } from "../../keys/openKeystore.ts";
import { readKeystoreJson } from "../../keys/readKeystoreJson.ts";
import { normalizePrivateKey } from "../../keys/resolveSigner.ts";
import { writeKeystoreFile } from "./writeKeystoreFile.ts";

export type ImportKeyResult = {
  address: Hex;
  keystore: string;
  format: KeystoreFormat;
  from: "environment" | "stdin" | "prompt" | "keystore";
  /** The keystore file read, with --from-keystore. */
  source?: string;
};

/**
 * `meshpay key import`: seals an existing private key in a keystore file. The key comes from another keystore
 * (--from-keystore: a Web3 Secret Storage v3 file from geth, cast or ethers, or a meshpay one; its password from
 * MESHPAY_SOURCE_KEYSTORE_PASSWORD or typed), else from MESHPAY_PRIVATE_KEY, else from stdin (a pipe), else is typed on
 * the terminal without echo; never from the command line.
 */
export async function importKey(
  args: { out?: string; force?: boolean; format?: KeystoreFormat; fromKeystore?: string },
  ctx: CommandContext,
): Promise<ImportKeyResult> {
  if (args.fromKeystore !== undefined) {
    const source = resolvePath(ctx.deps, args.fromKeystore);
    const data = readKeystoreJson(source);
    const password =
      ctx.deps.env.MESHPAY_SOURCE_KEYSTORE_PASSWORD ??
      (await ctx.deps.prompt(`Password for ${source}: `, { hidden: true }));
    const { privateKey } = openKeystore(data, password, source);
    const written = await writeKeystoreFile(ctx, privateKey, args);
    return { address: written.address, keystore: written.path, format: written.format, from: "keystore", source };
  }
  let value = ctx.deps.env.MESHPAY_PRIVATE_KEY?.trim();
  let from: ImportKeyResult["from"] = "environment";
  if (!value) {
    const piped = await ctx.deps.readStdin();
    if (piped !== undefined) {
      value = piped.trim();
      from = "stdin";
      if (!value)
        throw new CliError("KEY_MISSING", "stdin was empty: pipe the private key in, or set MESHPAY_PRIVATE_KEY.");
    } else {
      value = (await ctx.deps.prompt("Private key (hex): ", { hidden: true })).trim();
      from = "prompt";
    }
  }
  const privateKey = normalizePrivateKey(
    value,
    from === "environment" ? "MESHPAY_PRIVATE_KEY" : `The private key from ${from}`,
  );
  const { address, path, format } = await writeKeystoreFile(ctx, privateKey, args);
  return { address, keystore: path, format, from };
}
