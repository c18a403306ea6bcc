import { html } from "htm/preact";

/** A skeleton of what is coming, with the sentence of what is being read. */
export function LoadingState({ what }: { what: string }) {
  return html`<div class="state state-loading" role="status" aria-live="polite" data-state="loading">
    <div class="skeleton"></div>
    <div class="skeleton short"></div>
    <p>${what}…</p>
  </div>`;
}
