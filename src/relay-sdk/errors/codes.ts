/** Codes of errors the receiver (viewer side) raises. Stable strings. */
export const receiverErrorCodes = [
  /** keccak256 of the chunk bytes differs from the chunk hash the player expected (e.g. from a segment manifest). */
  "CHUNK_HASH_MISMATCH",
  /** The session key's address is not the ticket's `viewer`: receipts signed with it would be refused. */
  "SESSION_KEY_MISMATCH",
  /** `now` is outside the ticket's [notBefore, notAfter] window: the receipt would be refused. */
  "TICKET_OUTSIDE_WINDOW",
  /** An argument is missing, of the wrong type or out of range. */
  "INVALID_ARGUMENT",
] as const;

/** Codes of errors the relay (collector and submitter) raises. Stable strings. */
export const relayErrorCodes = [
  /** `receipt.relay` is not the relay this store collects for. */
  "RELAY_MISMATCH",
  /** No ticket with the receipt's `ticketHash` was given or stored. */
  "TICKET_UNKNOWN",
  /** A ticket that cannot be decoded or whose signature is malformed. */
  "TICKET_INVALID",
  /** A receipt that cannot be decoded, does not match its ticket or is not signed by the ticket's viewer. */
  "RECEIPT_INVALID",
  /** A different receipt for the same chunk (same ticketHash, segment, chunk) is already stored. */
  "RECEIPT_CONFLICT",
  /** The relay was closed. */
  "RELAY_CLOSED",
  /** The SQLite file belongs to another relay address or EIP-712 domain. */
  "STORE_MISMATCH",
  /** The SQLite file was written by a newer version of the SDK. */
  "STORE_SCHEMA_TOO_NEW",
  /** The file is missing, not SQLite, or not a relay store (openRelayStoreReader). */
  "STORE_UNREADABLE",
  /** better-sqlite3 has no native binary for this Node (its install script did not run or built for another Node). */
  "SQLITE_UNAVAILABLE",
] as const;

export const relaySdkErrorCodes = [...receiverErrorCodes, ...relayErrorCodes] as const;

export type ReceiverErrorCode = (typeof receiverErrorCodes)[number];
export type RelayErrorCode = (typeof relayErrorCodes)[number];
export type RelaySdkErrorCode = (typeof relaySdkErrorCodes)[number];
