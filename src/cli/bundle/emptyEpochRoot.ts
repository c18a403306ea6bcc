import { keccak256, stringToHex } from "viem";
import type { Hex } from "../../protocol/types.ts";

/**
 * The root an aggregator posts for an epoch whose tree has no leaves at all (the contract refuses a zero root):
 * keccak256("meshpay: epoch without leaves"), a root no leaf and proof can reach. The aggregator's convention
 * (src/aggregator/epoch/emptyEpochRoot.ts), restated here so that audits do not depend on the aggregator's code.
 */
export const EMPTY_EPOCH_ROOT: Hex = keccak256(stringToHex("meshpay: epoch without leaves"));
