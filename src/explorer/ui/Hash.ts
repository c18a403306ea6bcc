import { html } from "htm/preact";
import { shortHex } from "../format/shortHex.ts";

/** A hash or address, shortened on screen, whole in the title and in `data-value` (and copied as a whole). */
export function Hash({ value, href }: { value: string; href?: string }) {
  const text = html`<code class="hash" title=${value} data-value=${value}>${shortHex(value)}</code>`;
  return href ? html`<a href=${href}>${text}</a>` : text;
}
