/** Node answers to a raw transaction they already hold: geth "already known", Anvil "transaction already imported",
 * Hardhat and Besu "Known transaction: 0x…", Nethermind "AlreadyKnown". */
const ALREADY_KNOWN = /already known|already imported|known transaction|AlreadyKnown/i;

/**
 * Whether `err` (from eth_sendRawTransaction, viem-wrapped or not) says the node already has this very
 * transaction: a re-broadcast that is not a failure, the transaction was sent. Looks at the messages, details and
 * causes of the whole error chain.
 */
export function isAlreadyKnownTxError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && e !== undefined && depth < 10; depth++) {
    if (typeof e === "string") return ALREADY_KNOWN.test(e);
    if (typeof e !== "object") return false;
    const o = e as { message?: unknown; details?: unknown; shortMessage?: unknown; cause?: unknown };
    for (const text of [o.message, o.details, o.shortMessage])
      if (typeof text === "string" && ALREADY_KNOWN.test(text)) return true;
    e = o.cause;
  }
  return false;
}
