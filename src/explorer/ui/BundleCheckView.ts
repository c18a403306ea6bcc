import { html } from "htm/preact";
import type { ExplorerContext } from "../app/ExplorerContext.ts";
import type { EpochPostView } from "../chain/ExplorerChain.ts";
import { formatBytes } from "../format/formatBytes.ts";
import { useLoad } from "./useLoad.ts";

/**
 * A posted bundle's link and its hash check: the page streams the bundle (ctx.bundles: hashed in a Web Worker, once
 * per session) and compares its keccak256 with the bundleHash posted on chain — green when equal, red with both
 * hashes when not, "checking…" meanwhile. The check starts once this is on the page (an effect), never before.
 */
export function BundleCheckView({ post, ctx }: { post: EpochPostView; ctx: ExplorerContext }) {
  const check = useLoad(() => ctx.bundles.check(post), [post.bundleHash]);
  const link = html`<a href=${post.bundleURI} rel="noreferrer" data-field="bundleURI" title=${post.bundleURI}
    >${bundleLabel(post.bundleURI)}</a
  >`;
  if (check.status === "loading")
    return html`${link} <span class="muted" data-field="bundleCheck" data-check="loading">checking…</span>`;
  if (check.status === "error")
    return html`${link} <span class="bad" data-field="bundleCheck" data-check="error">could not be read: ${(check.error as Error).message}</span>`;
  const c = check.value;
  return html`${link}
    <div class=${`check ${c.matches ? "good" : "bad"}`} data-field="bundleCheck" data-check=${c.matches ? "ok" : "mismatch"}
      data-hash=${c.hash} data-receipts=${c.header ? String(c.header.receiptCount) : ""}>
      ${c.matches ? "✔ keccak256 matches the bundleHash posted on chain" : "✖ keccak256 does NOT match the " + "bundleHash posted on chain"}
      <div class="mono small">computed ${c.hash}<br />posted\u00a0\u00a0 ${c.postedHash}</div>
      <div class="small">${formatBytes(c.bytes)}${c.header ? `, ${c.header.receiptCount} receipts, ${c.header.leafCount} leaves in the bundle` : ""}${c.malformed ? `; malformed: ${c.malformed}` : ""}</div>
    </div>`;
}

/** The bundle URI as a short link text: host and path, without the hash query the full URI (title) carries. */
function bundleLabel(uri: string): string {
  try {
    const u = new URL(uri);
    return `${u.host}${u.pathname}`;
  } catch {
    return uri;
  }
}
