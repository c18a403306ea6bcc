import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import type { RelaySdkErrorCode } from "./codes.ts";

/**
 * Every error the relay SDK raises: a stable `code`, a sentence a person understands (`shortMessage`) and,
 * optionally, the `cause`: `new RelaySdkError(code, shortMessage, { cause })`.
 */
export class RelaySdkError<code extends RelaySdkErrorCode = RelaySdkErrorCode> extends BaseError {
  readonly code: code;
  override name = "RelaySdkError";

  constructor(code: code, shortMessage: string, args: BaseErrorArgs = {}) {
    super(shortMessage, { ...args, name: "RelaySdkError" });
    this.code = code;
  }

  /** A JSON-safe view: `{ code, message }`. */
  toJSON(): { code: code; message: string } {
    return { code: this.code, message: this.shortMessage };
  }
}
