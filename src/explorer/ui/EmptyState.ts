import { html } from "htm/preact";
import type { ComponentChildren } from "preact";

/** Nothing to show yet, said plainly, with what makes it appear. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return html`<div class="state state-empty" data-state="empty">
    <h3>${title}</h3>
    <p>${children}</p>
  </div>`;
}
