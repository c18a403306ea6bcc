/** `prevEpoch` of a tickets-tree leaf whose ticket has no credited receipt in an earlier epoch: 2^256 − 1. */
export const NO_PREVIOUS_EPOCH = (1n << 256n) - 1n;

/** The ABI types of a claim leaf, version 2, as StandardMerkleTree.of(values, CLAIM_LEAF_TYPES) takes them. */
export const CLAIM_LEAF_TYPES = ["address", "bytes32", "uint256", "bytes32"] as const;
