import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type KeyAddressResult = { address: Hex; source: "environment" | "keystore"; keystore?: string };

/** `meshpay key address`: which account the other commands sign with, and where its key comes from. */
export async function showKeyAddress(_args: Record<string, never>, ctx: CommandContext): Promise<KeyAddressResult> {
  const signer = await resolveSigner(ctx, "Showing the address");
  return {
    address: signer.account.address,
    source: signer.source,
    ...(signer.keystorePath ? { keystore: signer.keystorePath } : {}),
  };
}
