import type { SignedViewerTicket } from "../types.ts";
import { decodeSigned, type JsonIssue, throwIfIssues, viewerTicketSpec } from "./jsonFields.ts";

/**
 * Strictly decodes a signed viewer ticket from parsed JSON. Throws ProtocolError WIRE_INVALID_FIELD whose
 * `field` names the first wrong field (e.g. "ticket.notAfter") and whose details list every problem.
 * Unknown fields are refused; hex is lowercased.
 */
export function signedViewerTicketFromJson(value: unknown): SignedViewerTicket {
  const issues: JsonIssue[] = [];
  const out = decodeSigned(value, "ticket", viewerTicketSpec, "", issues);
  throwIfIssues(issues, "signed viewer ticket");
  return out as unknown as SignedViewerTicket;
}
