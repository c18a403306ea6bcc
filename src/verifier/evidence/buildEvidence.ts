import type { Finding } from "../../protocol/audit/types.ts";
import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import type { PostedEpoch } from "../chain/types.ts";
import type { FaultCode } from "../errors/codes.ts";

export const EVIDENCE_FORMAT = "meshpay-evidence";
export const EVIDENCE_VERSION = 1;

/** A challenge's evidence as published: the parsed document, its exact bytes and evidenceHash = keccak256(bytes). */
export type Evidence = { document: EvidenceDocument; bytes: Uint8Array; hash: Hex };

/** The JSON document behind an evidenceURI (docs/verifier.md, "Evidence"). Integers are decimal strings. */
export type EvidenceDocument = {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  chainId: string;
  distributor: Address;
  epoch: string;
  posted: {
    id: string;
    aggregator: Address;
    root: Hex;
    bundleHash: Hex;
    bundleURI: string;
    poolTotals: { poolId: Hex; amount: string }[];
    blockNumber: string;
    txHash: Hex;
    postedAt: string;
  };
  /** The most fundamental finding's code: what the challenge is about. */
  fault: FaultCode;
  summary: string;
  findings: Finding[];
  /** The verifier's own recomputation (absent when the bundle could not be read). */
  recomputation: Record<string, unknown> | null;
  /** RECEIPTS_OMITTED only: the relay's receipts and tickets the bundle left out. */
  omitted?: Record<string, unknown>;
  challenger: Address;
  createdAt: string;
};

/**
 * Builds the evidence document for a challenge of `post`, serialises it (JSON, keys in a fixed order, one line) and
 * hashes the bytes. The first finding is the fault. The bytes are what must be served at the evidenceURI.
 */
export function buildEvidence(args: {
  chainId: bigint;
  distributor: Address;
  post: PostedEpoch;
  findings: Finding[];
  recomputation: Record<string, unknown> | null;
  omitted?: Record<string, unknown>;
  challenger: Address;
  createdAt?: Date;
}): Evidence {
  const { post } = args;
  const fault = args.findings[0]!.code;
  const document: EvidenceDocument = {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    chainId: args.chainId.toString(),
    distributor: args.distributor.toLowerCase() as Address,
    epoch: post.epoch.toString(),
    posted: {
      id: post.id,
      aggregator: post.aggregator.toLowerCase() as Address,
      root: post.root,
      bundleHash: post.bundleHash,
      bundleURI: post.bundleURI,
      poolTotals: post.poolTotals.map((t) => ({ poolId: t.poolId, amount: t.amount.toString() })),
      blockNumber: post.blockNumber.toString(),
      txHash: post.txHash,
      postedAt: post.postedAt.toString(),
    },
    fault,
    summary:
      `Epoch ${post.epoch}: ` +
      `${args.findings[0]!.message}${args.findings.length > 1 ? ` (and ${args.findings.length - 1} more kind(s) of finding)` : ""}`,
    findings: args.findings,
    recomputation: args.recomputation === null ? null : (toJsonSafe(args.recomputation) as Record<string, unknown>),
    ...(args.omitted ? { omitted: toJsonSafe(args.omitted) as Record<string, unknown> } : {}),
    challenger: args.challenger.toLowerCase() as Address,
    createdAt: (args.createdAt ?? new Date()).toISOString(),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return { document, bytes, hash: `0x${Buffer.from(keccak256(bytes)).toString("hex")}` as Hex };
}
