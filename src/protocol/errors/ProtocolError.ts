import { BaseError, type BaseErrorArgs } from "./BaseError.ts";
import type { ProtocolErrorCode } from "./codes.ts";

export type ProtocolErrorArgs = BaseErrorArgs & {
  /** Dotted path of the offending field, e.g. `receipt.segment` (wire and validation errors). */
  field?: string;
  /** 1-based line of the offending input (epoch bundle errors). */
  line?: number;
};

/**
 * Every error the protocol library raises or reports: a stable `code`, a sentence a person understands
 * (`shortMessage`) and, optionally, the offending `field` and the `cause`:
 * `new ProtocolError(code, shortMessage, { field, cause })`.
 */
export class ProtocolError<code extends ProtocolErrorCode = ProtocolErrorCode> extends BaseError {
  readonly code: code;
  readonly field: string | undefined;
  readonly line: number | undefined;
  override name = "ProtocolError";

  constructor(code: code, shortMessage: string, args: ProtocolErrorArgs = {}) {
    super(shortMessage, { ...args, name: "ProtocolError" });
    this.code = code;
    this.field = args.field;
    this.line = args.line;
  }

  /** A JSON-safe view: `{ code, message, field? }`. */
  toJSON(): { code: code; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.shortMessage }
      : { code: this.code, message: this.shortMessage, field: this.field };
  }
}
