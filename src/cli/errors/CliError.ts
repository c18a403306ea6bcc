import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import { type CliErrorCode, cliErrorExitCodes } from "./codes.ts";
import type { ExitCode } from "./exitCodes.ts";

export type CliErrorArgs = BaseErrorArgs & {
  /** JSON-safe facts printed with --json under `error.data` (e.g. the decoded revert's name and arguments). */
  data?: Record<string, unknown>;
  /** What the person can do about it, printed after the message. */
  hint?: string;
};

/**
 * Every error the meshpay command reports: a stable `code`, the exit code it maps to, a sentence (`shortMessage`) and,
 * optionally, a hint, JSON `data` and the `cause`: `new CliError(code, shortMessage, { hint, data, cause })`.
 */
export class CliError<code extends CliErrorCode = CliErrorCode> extends BaseError {
  readonly code: code;
  readonly exitCode: ExitCode;
  readonly data: Record<string, unknown> | undefined;
  readonly hint: string | undefined;
  override name = "CliError";

  constructor(code: code, shortMessage: string, args: CliErrorArgs = {}) {
    super(shortMessage, { ...args, name: "CliError" });
    this.code = code;
    this.exitCode = cliErrorExitCodes[code];
    this.data = args.data;
    this.hint = args.hint;
  }

  /** The --json form: `{ code, exitCode, message, hint?, data? }`. */
  toJSON(): { code: code; exitCode: ExitCode; message: string; hint?: string; data?: Record<string, unknown> } {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.shortMessage,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.data === undefined ? {} : { data: this.data }),
    };
  }
}
