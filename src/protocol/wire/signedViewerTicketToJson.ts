import type { SignedViewerTicket } from "../types.ts";
import { encodeFields, viewerTicketSpec } from "./jsonFields.ts";
import type { SignedViewerTicketJson, ViewerTicketJson } from "./jsonTypes.ts";

/** JSON wire form of a signed viewer ticket (see docs/protocol.md "JSON"). */
export function signedViewerTicketToJson(signed: SignedViewerTicket): SignedViewerTicketJson {
  return { ticket: encodeFields(signed.ticket, viewerTicketSpec) as ViewerTicketJson, signature: signed.signature };
}
