import type { ViewerTicket } from "../types.ts";
import { encodeFields, viewerTicketSpec } from "./jsonFields.ts";
import type { ViewerTicketJson } from "./jsonTypes.ts";

/** JSON wire form of an unsigned viewer ticket. */
export function viewerTicketToJson(value: ViewerTicket): ViewerTicketJson {
  return encodeFields(value, viewerTicketSpec) as ViewerTicketJson;
}
