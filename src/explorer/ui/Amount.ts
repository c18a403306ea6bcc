import { html } from "htm/preact";
import type { TokenInfo } from "../chain/ExplorerChain.ts";
import { formatTokenAmount } from "../format/formatTokenAmount.ts";

/** An amount in the token's decimals; the exact base units are in `data-units` (what tests and copy-paste use). */
export function Amount({ units, token, field }: { units: bigint; token: TokenInfo; field?: string }) {
  return html`<span class="amount" data-units=${String(units)} data-field=${field}>${formatTokenAmount(units, token)}</span>`;
}
