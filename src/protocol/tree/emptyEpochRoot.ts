import { keccak256 } from "../hash/keccak256.ts";
import type { Hex } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";

/** The string whose keccak256 is the root of an epoch with no leaves at all (docs/bundle.md). */
export const EMPTY_EPOCH_ROOT_PREIMAGE = "meshpay: epoch without leaves";

/**
 * The root posted for an epoch whose reward tree has no leaves (nobody earned in it or before): the contract
 * refuses a zero root, and the keccak256 of a fixed string is a root no leaf and proof can reach.
 */
export const EMPTY_EPOCH_ROOT: Hex = bytesToHex(keccak256(new TextEncoder().encode(EMPTY_EPOCH_ROOT_PREIMAGE)));
