import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { normalizePrivateKey } from "../../keys/resolveSigner.ts";
import { writeKeystoreFile } from "./writeKeystoreFile.ts";

export type ImportKeyResult = { address: Hex; keystore: string; from: "environment" | "stdin" | "prompt" };

/**
 * `meshpay key import`: seals an existing private key in a keystore file. The key comes from MESHPAY_PRIVATE_KEY,
 * else from stdin (a pipe), else is typed on the terminal without echo; never from the command line.
 */
export async function importKey(
  args: { out?: string; force?: boolean },
  ctx: CommandContext,
): Promise<ImportKeyResult> {
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
  const { address, path } = await writeKeystoreFile(ctx, privateKey, args);
  return { address, keystore: path, from };
}
