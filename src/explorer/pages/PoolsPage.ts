import { html } from "htm/preact";
import type { ExplorerContext } from "../app/ExplorerContext.ts";
import type { BundlePoolLine } from "../bundle/BundleCheck.ts";
import { formatBytes } from "../format/formatBytes.ts";
import { formatTimestamp } from "../format/formatTimestamp.ts";
import { formatTokenAmount } from "../format/formatTokenAmount.ts";
import { summarizePools } from "../model/summarizePools.ts";
import { Amount } from "../ui/Amount.ts";
import { BarChart } from "../ui/BarChart.ts";
import { EmptyState } from "../ui/EmptyState.ts";
import { ErrorState } from "../ui/ErrorState.ts";
import { Hash } from "../ui/Hash.ts";
import { LoadingState } from "../ui/LoadingState.ts";
import { useLoad } from "../ui/useLoad.ts";

const CHART_EPOCHS = 24;

/**
 * Pools: each pool's balance (unallocated + owed), funding, payouts and price history from the chain; what each
 * epoch allocated to it (poolTotals posted on chain) and its blended cost per GB from the bundles' pool lines,
 * against a CDN's price per GB.
 */
export function PoolsPage({ ctx }: { ctx: ExplorerContext }) {
  const { view, config } = ctx;
  const recent = view.posts.filter((p) => !p.rejected).slice(-CHART_EPOCHS);
  const lines = useLoad(async () => {
    const out = new Map<bigint, BundlePoolLine[]>();
    for (const post of recent) {
      const checked = await ctx.bundles.check(post);
      if (checked.matches) out.set(post.epoch, checked.pools);
    }
    return out;
  }, [recent.map((p) => p.bundleHash).join()]);
  if (view.pools.length === 0)
    return html`<${EmptyState} title="No pool yet"
      >A broadcaster creates and funds one with <code>meshpay pool create</code> and <code>meshpay pool fund</code>.<//
    >`;
  const summaries = summarizePools(view, lines.value ?? new Map());
  return html`<section class="page" data-page="pools">
    <h2>Pools</h2>
    ${lines.status === "loading" ? html`<p class="muted" data-state="loading">Reading the epochs' bundles for bytes delivered…</p>` : null}
    ${lines.status === "error" ? html`<${ErrorState} error=${lines.error} retry=${lines.reload} compact />` : null}
    ${summaries.map((s) => {
      const p = s.pool;
      const t = p.token;
      const units = (n: number) => formatTokenAmount(BigInt(Math.round(n)), t);
      const costUsd = s.costPerGB === null ? null : (Number(s.costPerGB) / 10 ** t.decimals) * config.tokenUsd;
      const saving = costUsd === null ? null : 1 - costUsd / config.cdnUsdPerGB;
      const withBytes = s.perEpoch.filter((e) => e.bytes !== null).slice(-CHART_EPOCHS);
      return html`<article class="card pool" data-pool-id=${p.poolId}>
        <header>
          <h3><${Hash} value=${p.poolId} /> <span class="badge">${t.symbol}</span></h3>
          <p class="muted">owner <${Hash} value=${p.owner} /> · ticket signer <${Hash} value=${p.ticketSigner} />${p.metadataURI ? html` · <a href=${p.metadataURI} rel="noreferrer">${p.metadataURI}</a>` : null}</p>
        </header>
        <dl class="stats">
          <div><dt>balance</dt><dd><${Amount} units=${p.unallocated + p.owed} token=${t} field="balance" /></dd></div>
          <div><dt>unallocated</dt><dd><${Amount} units=${p.unallocated} token=${t} field="unallocated" /></dd></div>
          <div><dt>owed to relays</dt><dd><${Amount} units=${p.owed} token=${t} field="owed" /></dd></div>
          <div><dt>funded</dt><dd><${Amount} units=${p.funded} token=${t} field="funded" /></dd></div>
          <div><dt>paid to relays</dt><dd><${Amount} units=${p.paid} token=${t} field="paid" /></dd></div>
          <div><dt>withdrawn</dt><dd><${Amount} units=${p.withdrawn} token=${t} field="withdrawn" /></dd></div>
          <div><dt>price per GB</dt><dd><${Amount} units=${p.pricePerGB} token=${t} field="pricePerGB" /></dd></div>
          <div><dt>relays paid</dt><dd data-field="relaysPaid" data-count=${p.paidRelays.length}>${p.paidRelays.length}</dd></div>
          <div class="wide">
            <dt>blended cost per GB</dt>
            <dd data-field="costPerGB" data-units=${s.costPerGB === null ? "" : String(s.costPerGB)}>
              ${
                s.costPerGB === null
                  ? html`<span class="muted">no bytes delivered yet</span>`
                  : html`<strong>${formatTokenAmount(s.costPerGB, t)}</strong> ≈ $${costUsd!.toFixed(4)}/GB against a
                      CDN's $${config.cdnUsdPerGB.toFixed(2)}/GB:
                      <span class=${saving! >= 0 ? "good" : "bad"}>${saving! >= 0 ? `${(saving! * 100).toFixed(0)}% less` : `${(costUsd! / config.cdnUsdPerGB).toFixed(1)}× as much`}</span>
                      <span class="muted">(${formatBytes(s.bytes)} over ${withBytes.length} epoch(s); ${t.symbol} at $${config.tokenUsd})</span>`
              }
            </dd>
          </div>
        </dl>
        ${p.withdrawal ? html`<p class="notice">Withdrawal of <${Amount} units=${p.withdrawal.amount} token=${t} /> requested, executable from ${formatTimestamp(p.withdrawal.availableAt)}.</p>` : null}
        <div class="charts">
          ${
            s.perEpoch.length === 0
              ? html`<${EmptyState} title="Nothing spent yet">No epoch has been posted since the pool was created.<//>`
              : html`<${BarChart}
                  title="Spent per epoch"
                  testId="spent-chart"
                  xs=${s.perEpoch.slice(-CHART_EPOCHS).map((e) => Number(e.epoch))}
                  ys=${s.perEpoch.slice(-CHART_EPOCHS).map((e) => Number(e.spent))}
                  xLabel="epoch"
                  yLabel=${t.symbol}
                  format=${units}
                />`
          }
          <${BarChart}
            title="Price per GB"
            kind="steps"
            testId="price-chart"
            xs=${[...p.prices.map((x) => Number(x.fromEpoch)), Number(view.nextEpoch)]}
            ys=${[...p.prices.map((x) => Number(x.pricePerGB)), Number(p.prices.at(-1)!.pricePerGB)]}
            xLabel="from epoch"
            yLabel=${`${t.symbol}/GB`}
            format=${units}
          />
        </div>
        ${
          p.paidRelays.length > 0
            ? html`<details><summary>Relays paid (${p.paidRelays.length})</summary>
                <ul class="plain">${p.paidRelays.map((r) => html`<li><a href=${`#/relay/${r.account}`}><${Hash} value=${r.account} /></a> <${Amount} units=${r.amount} token=${t} /></li>`)}</ul>
              </details>`
            : null
        }
      </article>`;
    })}
    ${view.pools.length > 0 && lines.status === "loading" ? html`<${LoadingState} what="Checking bundles" />` : null}
  </section>`;
}
