import { getReceiptMembership } from "./getReceiptMembership.ts";
import type { BadSignatureProof, FraudEpoch, ReceiptLocation } from "./types.ts";

/**
 * badSignature (kind 0) against credited receipt `at`: its membership (claim leaf + OpenZeppelin proof, preimage,
 * receipt node + relay receipts tree path), the signed receipt, its signature and its ticket. Proves a fault when
 * the signature does not recover to `ticket.viewer`, or a node field differs from the signed receipt's.
 */
export function buildBadSignatureProof(epoch: FraudEpoch, at: ReceiptLocation): BadSignatureProof {
  const r = epoch.claims[at.claim]!.receipts[at.receipt]!;
  return { credited: getReceiptMembership(epoch, at), receipt: r.receipt, signature: r.signature, ticket: r.ticket };
}
