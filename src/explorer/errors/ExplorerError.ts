import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";

/** Stable codes of what the page can fail at; each has a designed error state (src/explorer/ui/ErrorState.ts). */
export type ExplorerErrorCode =
  | "CONFIG_INVALID"
  | "RPC_UNREACHABLE"
  | "CHAIN_MISMATCH"
  | "AGGREGATOR_UNREACHABLE"
  | "AGGREGATOR_ERROR"
  | "VERIFIER_UNREACHABLE"
  | "VERIFIER_ERROR"
  | "VERIFIER_NOT_CONFIGURED"
  | "BUNDLE_UNREACHABLE"
  | "BUNDLE_MALFORMED"
  | "ADDRESS_INVALID";

/** An error the page shows: `code` picks the error state, `shortMessage` is the sentence a person reads. */
export class ExplorerError extends BaseError {
  override name = "ExplorerError";
  code: ExplorerErrorCode;
  status: number | undefined;
  data: unknown;

  constructor(
    code: ExplorerErrorCode,
    shortMessage: string,
    args: BaseErrorArgs & { status?: number; data?: unknown } = {},
  ) {
    super(shortMessage, args);
    this.code = code;
    this.status = args.status;
    this.data = args.data;
  }
}
