/** Arguments shared by every meshpay error (the shape of viem's BaseError). */
export type BaseErrorArgs = {
  /** The underlying error, kept on `cause` and summarised in `details`. */
  cause?: unknown;
  /** Extra detail when there is no cause. */
  details?: string;
  /** Lines shown between the short message and the details. */
  metaMessages?: string[];
  /** Overrides `name`. */
  name?: string;
};

/**
 * Root of meshpay's error classes, shaped like viem's `BaseError`:
 * `shortMessage` is the human sentence, `message` adds meta lines and details,
 * `cause` keeps the original error and `walk()` follows the cause chain.
 */
export class BaseError extends Error {
  details: string;
  metaMessages: string[] | undefined;
  shortMessage: string;
  override name = "BaseError";

  constructor(shortMessage: string, args: BaseErrorArgs = {}) {
    const details =
      args.cause instanceof BaseError
        ? args.cause.details || args.cause.shortMessage
        : args.cause instanceof Error
          ? args.cause.message
          : (args.details ?? "");
    const message = [
      shortMessage || "An error occurred.",
      ...(args.metaMessages ? ["", ...args.metaMessages] : []),
      ...(details ? ["", `Details: ${details}`] : []),
    ].join("\n");
    super(message, args.cause !== undefined ? { cause: args.cause } : undefined);
    this.details = details;
    this.metaMessages = args.metaMessages;
    this.shortMessage = shortMessage;
    if (args.name) this.name = args.name;
  }

  /** Follows `cause` links; returns the first error `fn` accepts (or the deepest error when no `fn`). */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walk(this, fn);
  }
}

function walk(err: unknown, fn?: (err: unknown) => boolean): unknown {
  if (fn?.(err)) return err;
  if (err && typeof err === "object" && "cause" in err && err.cause !== undefined) return walk(err.cause, fn);
  return fn ? null : err;
}
