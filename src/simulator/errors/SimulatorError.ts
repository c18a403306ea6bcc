import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import type { SimulatorErrorCode } from "./codes.ts";

/**
 * Every error the swarm simulator raises: a stable `code`, a sentence a person understands (`shortMessage`) and,
 * optionally, the `cause`: `new SimulatorError(code, shortMessage, { cause })`.
 */
export class SimulatorError extends BaseError {
  readonly code: SimulatorErrorCode;
  override name = "SimulatorError";

  constructor(code: SimulatorErrorCode, shortMessage: string, args: BaseErrorArgs = {}) {
    super(shortMessage, { ...args, name: "SimulatorError" });
    this.code = code;
  }

  /** A JSON-safe view: `{ code, message }`. */
  toJSON(): { code: SimulatorErrorCode; message: string } {
    return { code: this.code, message: this.shortMessage };
  }
}
