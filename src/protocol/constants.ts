import { keccak_256 } from "@noble/hashes/sha3.js";

export const DOMAIN_NAME = "meshpay";
export const DOMAIN_VERSION = "1";

/** EIP-712 encodeType strings; keccak256 of each is its typehash. */
export const EIP712_DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
export const VIEWER_TICKET_TYPE =
  "ViewerTicket(bytes32 poolId,bytes32 streamId,address viewer,uint64 notBefore,uint64 notAfter,uint64 maxBytes)";
export const CHUNK_RECEIPT_TYPE =
  "ChunkReceipt(bytes32 poolId,bytes32 ticketHash,address relay,uint64 segment,uint32 chunk,bytes32 chunkHash,uint32 " +
  "size,uint64 deliveredAt)";
export const CLAIM_AUTHORIZATION_TYPE =
  "ClaimAuthorization(bytes32 poolId,address account,address recipient,uint256 maxFee,uint256 nonce,uint64 deadline)";

const typehash = (s: string): `0x${string}` =>
  `0x${Array.from(keccak_256(new TextEncoder().encode(s)), (b) => b.toString(16).padStart(2, "0")).join("")}`;

export const EIP712_DOMAIN_TYPEHASH = typehash(EIP712_DOMAIN_TYPE);
export const VIEWER_TICKET_TYPEHASH = typehash(VIEWER_TICKET_TYPE);
export const CHUNK_RECEIPT_TYPEHASH = typehash(CHUNK_RECEIPT_TYPE);
export const CLAIM_AUTHORIZATION_TYPEHASH = typehash(CLAIM_AUTHORIZATION_TYPE);

/** viem `types` for signTypedData / hashTypedData. */
export const eip712Types = {
  ViewerTicket: [
    { name: "poolId", type: "bytes32" },
    { name: "streamId", type: "bytes32" },
    { name: "viewer", type: "address" },
    { name: "notBefore", type: "uint64" },
    { name: "notAfter", type: "uint64" },
    { name: "maxBytes", type: "uint64" },
  ],
  ChunkReceipt: [
    { name: "poolId", type: "bytes32" },
    { name: "ticketHash", type: "bytes32" },
    { name: "relay", type: "address" },
    { name: "segment", type: "uint64" },
    { name: "chunk", type: "uint32" },
    { name: "chunkHash", type: "bytes32" },
    { name: "size", type: "uint32" },
    { name: "deliveredAt", type: "uint64" },
  ],
  ClaimAuthorization: [
    { name: "poolId", type: "bytes32" },
    { name: "account", type: "address" },
    { name: "recipient", type: "address" },
    { name: "maxFee", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

/** StandardMerkleTree leaf encoding of the reward tree. */
export const REWARD_LEAF_TYPES = ["address", "bytes32", "uint256", "uint256", "uint256", "bytes32"] as const;
/** StandardMerkleTree leaf encoding of a receipts tree. */
export const RECEIPT_LEAF_TYPES = ["bytes32"] as const;

export const ZERO_HASH: `0x${string}` = `0x${"00".repeat(32)}`;

/** secp256k1 group order n and n/2 (signatures with s > n/2 are refused). */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;

/** Leading byte of the binary batch encoding. */
export const BINARY_BATCH_VERSION = 0x01;

export const MAX_UINT32 = 0xffffffff;
/** The most epochs that may be pending at once (the distributor's maxPending()). */
export const MAX_PENDING_EPOCHS = 64;
/** The most pool totals one post may list (the distributor's maxPoolTotals()): the most pools an epoch can pay. */
export const MAX_POOL_TOTALS = 128;
export const MAX_UINT64 = (1n << 64n) - 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;
