import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Hex } from "../../protocol/types.ts";

/**
 * The root an epoch with no leaves at all is posted with (the contract refuses a zero root):
 * keccak256("meshpay: epoch without leaves"), a value no leaf and proof can reach. The aggregator posts it for an
 * epoch nobody earned in and nobody had earned before; the verifier expects exactly it (docs/verifier.md).
 */
export const EMPTY_EPOCH_ROOT: Hex = `0x${Buffer.from(keccak256(new TextEncoder().encode("meshpay: epoch without leaves"))).toString("hex")}`;
