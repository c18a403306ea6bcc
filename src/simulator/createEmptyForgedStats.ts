import { cheatModes, type ForgedStats } from "./types.ts";

/** Forged-claim counters at zero, for every forgery kind. */
export function createEmptyForgedStats(): ForgedStats {
  return {
    submitted: 0,
    accepted: 0,
    alreadyAccepted: 0,
    rejected: 0,
    unanswered: 0,
    rejectedByCode: {},
    byMode: Object.fromEntries(
      cheatModes.map((m) => [m, { submitted: 0, accepted: 0, alreadyAccepted: 0, rejected: 0, rejectedByCode: {} }]),
    ) as ForgedStats["byMode"],
  };
}
