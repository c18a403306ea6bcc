import { ProtocolError } from "../errors/ProtocolError.ts";

/**
 * Depth of a position-bound sum tree of `length` leaves (the number of siblings in each of its proofs): the least d
 * with 2^d ≥ length, 0 for 0 or 1 leaf. Throws INVALID_ARGUMENT when `length` is not a non-negative safe integer.
 */
export function getPositionSumDepth(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new ProtocolError("INVALID_ARGUMENT", `A tree length must be a non-negative integer, not ${length}.`, {
      field: "length",
    });
  let depth = 0;
  while (2 ** depth < length) depth++;
  return depth;
}
