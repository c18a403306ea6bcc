/** 0x-prefixed hex string. */
export type Hex = `0x${string}`;
/** 0x-prefixed 20-byte address (any letter case; compared case-insensitively). */
export type Address = `0x${string}`;

/** The variable half of the EIP-712 domain; `name` is always "meshpay" and `version` "1". */
export type MeshpayDomain = {
  chainId: number | bigint;
  /** The RewardDistributor contract. */
  verifyingContract: Address;
};

/** Signed by the pool's ticketSigner: one viewer, one stream, one viewing window. Times are unix milliseconds. */
export type ViewerTicket = {
  poolId: Hex;
  streamId: Hex;
  viewer: Address;
  /** uint64, unix ms, inclusive. */
  notBefore: bigint;
  /** uint64, unix ms, inclusive. */
  notAfter: bigint;
  /** uint64: most bytes of receipts the ticket can be credited with. */
  maxBytes: bigint;
};

/** Signed by ticket.viewer for one delivered chunk. */
export type ChunkReceipt = {
  poolId: Hex;
  /** EIP-712 struct hash of the ViewerTicket. */
  ticketHash: Hex;
  /** Payout account of the relay that delivered the chunk. */
  relay: Address;
  /** uint64 */
  segment: bigint;
  /** uint32 */
  chunk: number;
  /** keccak256 of the chunk's bytes. */
  chunkHash: Hex;
  /** uint32, bytes in the chunk. */
  size: number;
  /** uint64, unix ms. */
  deliveredAt: bigint;
};

/** Signed by a relay operator: lets a relayer claim for `account`, pay `recipient` and keep at most `maxFee`. */
export type ClaimAuthorization = {
  poolId: Hex;
  account: Address;
  recipient: Address;
  /** uint256 */
  maxFee: bigint;
  /** uint256 */
  nonce: bigint;
  /** uint64, unix seconds (compared with block.timestamp). */
  deadline: bigint;
};

export type SignedViewerTicket = { ticket: ViewerTicket; signature: Hex };
export type SignedChunkReceipt = { receipt: ChunkReceipt; signature: Hex };
export type SignedClaimAuthorization = { authorization: ClaimAuthorization; signature: Hex };

/** What the validator needs to know about a pool. */
export type PoolInfo = { poolId: Hex; ticketSigner: Address; active: boolean };

/** Fixed at deployment. All in seconds. */
export type EpochParams = { genesisTime: bigint; epochSeconds: bigint; graceSeconds: bigint };

/** One leaf of an epoch's reward tree. */
export type RewardLeaf = {
  account: Address;
  poolId: Hex;
  cumulativeAmount: bigint;
  epochBytes: bigint;
  epochAmount: bigint;
  receiptsRoot: Hex;
};

/** keccak-256 of `data`; returns a fresh 32-byte array. */
export type Keccak256 = (data: Uint8Array) => Uint8Array;
