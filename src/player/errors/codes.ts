/** Codes of errors the player plugin raises. Stable strings. */
export const playerErrorCodes = [
  /** A peer card that does not decode, whose signature does not recover, or that does not hash to its peer id. */
  "PEER_CARD_INVALID",
  /** A segment manifest that does not decode or is not signed by the expected key. */
  "MANIFEST_INVALID",
  /** An argument is missing, of the wrong type or out of range. */
  "INVALID_ARGUMENT",
  /** The outbox store cannot be opened or written. */
  "OUTBOX_STORE_FAILED",
] as const;

export type PlayerErrorCode = (typeof playerErrorCodes)[number];
