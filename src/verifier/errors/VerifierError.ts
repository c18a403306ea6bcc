import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import type { VerifierErrorCode } from "./codes.ts";

export type VerifierErrorArgs = BaseErrorArgs & {
  /** HTTP status the API answers this error with (default 400). */
  status?: number;
  /** JSON-safe extra facts for the API body's `details`. */
  data?: Record<string, unknown>;
};

/**
 * Every error the verifier raises on purpose: a stable `code`, a sentence a person understands (`shortMessage`), the
 * HTTP `status` it maps to and, optionally, JSON `data` and the `cause`:
 * `new VerifierError(code, shortMessage, { status, data, cause })`.
 */
export class VerifierError<code extends VerifierErrorCode = VerifierErrorCode> extends BaseError {
  readonly code: code;
  readonly status: number;
  readonly data: Record<string, unknown> | undefined;
  override name = "VerifierError";

  constructor(code: code, shortMessage: string, args: VerifierErrorArgs = {}) {
    super(shortMessage, { ...args, name: "VerifierError" });
    this.code = code;
    this.status = args.status ?? 400;
    this.data = args.data;
  }

  /** The API's error body: `{ code, message, details? }`. */
  toJSON(): { code: code; message: string; details?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.code, message: this.shortMessage }
      : { code: this.code, message: this.shortMessage, details: this.data };
  }
}
