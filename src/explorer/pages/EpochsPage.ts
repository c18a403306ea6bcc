import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { ExplorerContext } from "../app/ExplorerContext.ts";
import { formatBytes } from "../format/formatBytes.ts";
import { deriveEpochRows } from "../model/deriveEpochRows.ts";
import type { EpochRow } from "../model/EpochRow.ts";
import { BundleCheckView } from "../ui/BundleCheckView.ts";
import { Countdown } from "../ui/Countdown.ts";
import { EmptyState } from "../ui/EmptyState.ts";
import { ErrorState } from "../ui/ErrorState.ts";
import { Hash } from "../ui/Hash.ts";
import { useLoad } from "../ui/useLoad.ts";

const PAGE = 15;

/**
 * Epochs: a timeline, newest first, with each epoch's state from the chain (open, closed, pending with its countdown,
 * challenged, proven wrong, rejected, claimable), its root, its bundle (link and keccak256 checked here against the
 * bundleHash posted on chain), and its receipts and bytes.
 */
export function EpochsPage({ ctx }: { ctx: ExplorerContext }) {
  const { view, api } = ctx;
  const [limit, setLimit] = useState(PAGE);
  const counts = useLoad(
    () => (api.hasAggregator ? api.listEpochs(Math.min(500, limit + 20)) : Promise.resolve(null)),
    [view.blockNumber, limit],
  );
  const rows = deriveEpochRows(view, counts.value?.epochs ?? null, limit);
  const more = rows.length === limit && rows.at(-1)!.epoch > 0n;
  if (rows.length === 0)
    return html`<${EmptyState} title="No epoch yet">Epoch 0 starts at the deployment's genesis time.<//>`;
  return html`<section class="page" data-page="epochs">
    <h2>Epochs</h2>
    <p class="muted">
      Chain time ${new Date(Number(view.chainTime) * 1000).toISOString().slice(11, 19)} UTC · next epoch to post
      ${String(view.nextEpoch)} · latest claimable ${view.latestClaimableEpoch === null ? "none" : String(view.latestClaimableEpoch)}
    </p>
    ${counts.status === "error" ? html`<${ErrorState} error=${counts.error} retry=${counts.reload} compact />` : null}
    <ol class="timeline">
      ${rows.map((row) => html`<${EpochItem} key=${String(row.epoch)} row=${row} ctx=${ctx} />`)}
    </ol>
    ${more ? html`<button type="button" data-action="older" onClick=${() => setLimit((l) => l + PAGE)}>Show older epochs</button>` : null}
  </section>`;
}

function EpochItem({ row, ctx }: { row: EpochRow; ctx: ExplorerContext }) {
  const post = row.post;
  return html`<li class=${`epoch phase-${row.phase.replace(" ", "-")}`} data-epoch=${String(row.epoch)} data-phase=${row.phase}>
    <div class="epoch-head">
      <strong>${row.rangeFrom !== null ? `Epochs ${row.rangeFrom}–${row.epoch}` : `Epoch ${row.epoch}`}</strong>
      <span class=${`badge phase phase-${row.phase.replace(" ", "-")}`}>${row.phase}</span>
      ${row.challengeId !== null ? html`<a href="#/challenges" class="badge">challenge #${String(row.challengeId)}</a>` : null}
      ${row.until !== null ? html`<span class="muted">${row.untilLabel} <${Countdown} at=${row.until} chainTime=${ctx.view.chainTime} readAt=${ctx.readAt} /></span>` : null}
    </div>
    ${row.note ? html`<p class="muted note">${row.note}</p>` : null}
    <dl class="epoch-facts">
      ${row.root ? html`<div><dt>root</dt><dd data-field="root"><${Hash} value=${row.root} /></dd></div>` : null}
      <div><dt>receipts</dt><dd data-field="receipts">${row.receiptCount === null ? "–" : row.receiptCount.toLocaleString("en-US")}</dd></div>
      <div><dt>bytes</dt><dd data-field="bytes" data-bytes=${row.bytes === null ? "" : String(row.bytes)}>${row.bytes === null ? "–" : formatBytes(row.bytes)}</dd></div>
      ${post ? html`<div class="wide"><dt>bundle</dt><dd><${BundleCheckView} post=${post} ctx=${ctx} /></dd></div>` : null}
    </dl>
  </li>`;
}
