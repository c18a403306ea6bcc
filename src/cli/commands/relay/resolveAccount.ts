import type { Address } from "../../../protocol/types.ts";
import { parseAddress } from "../../chain/parseArguments.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

/** The relay account a read-only command looks at: --account, else the configured key's address. */
export async function resolveAccount(
  ctx: CommandContext,
  account: string | undefined,
  purpose: string,
): Promise<Address> {
  if (account) return parseAddress(account, "account");
  try {
    return (await resolveSigner(ctx, purpose)).account.address;
  } catch (err) {
    if (err instanceof CliError && err.code === "KEY_MISSING")
      throw new CliError("USAGE", `${purpose} needs an account: give --account <address> or configure a key.`, {
        cause: err,
      });
    throw err;
  }
}
