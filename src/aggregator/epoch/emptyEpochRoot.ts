import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "../../protocol/types.ts";

/** The string whose keccak256 is the root of an epoch with no leaves at all. */
export const EMPTY_EPOCH_ROOT_PREIMAGE = "meshpay: epoch without leaves";

/**
 * Root posted for an epoch whose reward tree has no leaves (no receipts in it and no account that ever earned):
 * the contract refuses a zero root, and a keccak256 of a fixed string is a root no leaf and proof can reach.
 */
export const EMPTY_EPOCH_ROOT: Hex = `0x${Buffer.from(keccak_256(new TextEncoder().encode(EMPTY_EPOCH_ROOT_PREIMAGE))).toString("hex")}`;
