import { parseBundleBytes } from "../../protocol/bundle/parseBundleBytes.ts";
import type { Bundle } from "../../protocol/bundle/types.ts";
import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import { CliError } from "../errors/CliError.ts";

/**
 * Parses downloaded bundle bytes with the protocol's parser (docs/bundle.md, either format). A malformed bundle is CliError
 * BUNDLE_MALFORMED (exit 6) naming the line (v1) or record (v2), with the parser's ProtocolError as its cause.
 */
export function parseDownloadedBundle(bytes: Uint8Array, options: { skipTicketsAndReceipts?: boolean } = {}): Bundle {
  try {
    return parseBundleBytes(bytes, options);
  } catch (err) {
    if (!(err instanceof ProtocolError && err.code === "BUNDLE_MALFORMED")) throw err;
    throw new CliError("BUNDLE_MALFORMED", `${err.shortMessage}`, {
      cause: err,
      data: { line: err.line, field: err.field },
    });
  }
}
