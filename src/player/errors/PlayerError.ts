import { BaseError, type BaseErrorArgs } from "../../protocol/errors/BaseError.ts";
import type { PlayerErrorCode } from "./codes.ts";

/** Every error the player plugin raises: a stable `code`, a sentence a person understands and `cause`. */
export class PlayerError<code extends PlayerErrorCode = PlayerErrorCode> extends BaseError {
  readonly code: code;
  override name = "PlayerError";

  constructor(code: code, shortMessage: string, args: BaseErrorArgs = {}) {
    super(shortMessage, { ...args, name: "PlayerError" });
    this.code = code;
  }

  toJSON(): { code: code; message: string } {
    return { code: this.code, message: this.shortMessage };
  }
}
