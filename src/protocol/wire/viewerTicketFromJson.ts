import type { ViewerTicket } from "../types.ts";
import { decodeFields, type JsonIssue, throwIfIssues, viewerTicketSpec } from "./jsonFields.ts";

/** Strictly decodes an unsigned viewer ticket from parsed JSON; throws WIRE_INVALID_FIELD naming the field. */
export function viewerTicketFromJson(value: unknown): ViewerTicket {
  const issues: JsonIssue[] = [];
  const out = decodeFields(value, viewerTicketSpec, "ticket", issues);
  throwIfIssues(issues, "viewer ticket");
  return out as unknown as ViewerTicket;
}
