import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import type { AggregatorErrorCode } from "./codes.ts";

export type AggregatorErrorArgs = BaseErrorArgs & {
  /** HTTP status the API answers this error with (default 400). */
  status?: number;
  /** Extra JSON-safe facts for the client (`details` in the HTTP error body), e.g. `{ path: "receipts[3]" }`. */
  data?: Record<string, unknown>;
};

/**
 * A failure the aggregator reports to a client or an operator: a stable `code` (docs/api.md), the HTTP
 * `status` it maps to, a sentence a person understands (`shortMessage`) and, optionally, JSON `data` and the
 * `cause`: `new AggregatorError(code, shortMessage, { status, data, cause })`.
 */
export class AggregatorError extends BaseError {
  readonly code: AggregatorErrorCode;
  readonly status: number;
  readonly data: Record<string, unknown> | undefined;
  override name = "AggregatorError";

  constructor(code: AggregatorErrorCode, shortMessage: string, args: AggregatorErrorArgs = {}) {
    super(shortMessage, { ...args, name: "AggregatorError" });
    this.code = code;
    this.status = args.status ?? 400;
    this.data = args.data;
  }

  /** The HTTP error body: `{ code, message, details? }`. */
  toJSON(): { code: AggregatorErrorCode; message: string; details?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.code, message: this.shortMessage }
      : { code: this.code, message: this.shortMessage, details: this.data };
  }
}
