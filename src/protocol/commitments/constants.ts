/** The ABI types of a claim leaf, version 2, as StandardMerkleTree.of(values, CLAIM_LEAF_TYPES) takes them. */
export const CLAIM_LEAF_TYPES = ["address", "bytes32", "uint256", "bytes32"] as const;
