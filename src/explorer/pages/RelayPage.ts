import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { isAddress } from "viem";
import type { Address } from "../../protocol/types.ts";
import type { ExplorerContext } from "../app/ExplorerContext.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import { formatBytes } from "../format/formatBytes.ts";
import { formatTimestamp } from "../format/formatTimestamp.ts";
import type { RelayPoolPosition } from "../model/RelayPosition.ts";
import { readRelayPosition } from "../model/readRelayPosition.ts";
import type { ProofCheck } from "../proof/ProofCheck.ts";
import { Amount } from "../ui/Amount.ts";
import { BarChart } from "../ui/BarChart.ts";
import { BundleCheckView } from "../ui/BundleCheckView.ts";
import { Countdown } from "../ui/Countdown.ts";
import { EmptyState } from "../ui/EmptyState.ts";
import { ErrorState } from "../ui/ErrorState.ts";
import { Hash } from "../ui/Hash.ts";
import { LoadingState } from "../ui/LoadingState.ts";
import { useLoad } from "../ui/useLoad.ts";

/**
 * Relays: search an address; per pool what it earned, claimed, can claim now and has pending (and when that turns
 * claimable), its bytes per epoch, and its payout proof checked step by step in this browser against the root the
 * contract holds (the aggregator's proof, or the bundle's when its leaf endpoint does not answer). A failed step is
 * shown red. Once the proof is on the page, the bundle of the proof's epoch is streamed and hashed in the background
 * (a Web Worker) against the bundle hash posted on chain, shown apart: a mismatch is red too.
 */
export function RelayPage({ ctx, account }: { ctx: ExplorerContext; account: string | null }) {
  const [input, setInput] = useState(account ?? "");
  useEffect(() => setInput(account ?? ""), [account]);
  const valid = account !== null && isAddress(account, { strict: false });
  const position = useLoad(async () => {
    if (!account) return null;
    if (!valid) throw new ExplorerError("ADDRESS_INVALID", `${account} is not an address.`);
    return readRelayPosition({ account: account as Address, view: ctx.view, chain: ctx.chain, api: ctx.api });
  }, [account, ctx.view.blockNumber]);
  return html`<section class="page" data-page="relay">
    <h2>Relays</h2>
    <form
      class="search"
      role="search"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        location.hash = `#/relay/${input.trim()}`;
      }}
    >
      <label for="relay-address">Relay address</label>
      <input id="relay-address" name="address" placeholder="0x…" value=${input} autocomplete="off" spellcheck="false"
        onInput=${(e: Event) => setInput((e.target as HTMLInputElement).value)} />
      <button type="submit">Look up</button>
    </form>
    ${!account ? html`<${EmptyState} title="Search a relay">Paste a relay operator's payout address to see what it earned and prove its payout against the chain.<//>` : null}
    ${account && position.status === "loading" && !position.value ? html`<${LoadingState} what="Reading leaves and proofs" />` : null}
    ${position.status === "error" ? html`<${ErrorState} error=${position.error} retry=${position.reload} />` : null}
    ${position.value && position.status !== "error" ? html`<${RelayResult} ctx=${ctx} position=${position.value} />` : null}
  </section>`;
}

function RelayResult({
  ctx,
  position,
}: {
  ctx: ExplorerContext;
  position: NonNullable<Awaited<ReturnType<typeof readRelayPosition>>>;
}) {
  if (position.pools.length === 0)
    return html`<${EmptyState} title="Nothing earned yet"
      >${position.account} has no leaf in any pool's latest posted epochs.<//
    >`;
  return html`<div data-account=${position.account}>
    <p class="muted">
      Account <${Hash} value=${position.account} />${` · latest posted epoch ${position.latestPostedEpoch ?? "none"}`}${` · latest claimable ${position.latestClaimableEpoch ?? "none"}`}
    </p>
    ${position.pools.map((p) => html`<${RelayPool} key=${p.poolId} ctx=${ctx} p=${p} />`)}
  </div>`;
}

function RelayPool({ ctx, p }: { ctx: ExplorerContext; p: RelayPoolPosition }) {
  const t = p.token;
  return html`<article class="card relay-pool" data-pool-id=${p.poolId}>
    <h3>Pool <${Hash} value=${p.poolId} /> <span class="badge">${t.symbol}</span></h3>
    <dl class="stats">
      <div><dt>earned</dt><dd><${Amount} units=${p.earned} token=${t} field="earned" /></dd></div>
      <div><dt>claimed</dt><dd><${Amount} units=${p.claimed} token=${t} field="claimed" /></dd></div>
      <div><dt>claimable now</dt><dd><${Amount} units=${p.claimable} token=${t} field="claimable" /></dd></div>
      <div>
        <dt>pending</dt>
        <dd>
          <${Amount} units=${p.pending} token=${t} field="pending" />
          ${p.pendingUntil !== null ? html`<div class="small" data-field="pendingUntil" data-at=${String(p.pendingUntil)}>claimable ${formatTimestamp(p.pendingUntil)} (<${Countdown} at=${p.pendingUntil} chainTime=${ctx.view.chainTime} readAt=${ctx.readAt} />) unless challenged</div>` : null}
          ${p.pendingUntil === null && p.pendingBlockedBy !== null ? html`<div class="small bad" data-field="pendingUntil">blocked by challenge #${String(p.pendingBlockedBy)} until the arbiter decides</div>` : null}
        </dd>
      </div>
    </dl>
    ${p.proof && !p.proof.ok ? html`<p class="bad small" data-field="unproven">✖ The amounts above come from a leaf whose proof does NOT reach the on-chain root (below): do not rely on them.</p>` : null}
    ${
      p.perEpoch.length > 0
        ? html`<${BarChart}
            title="Bytes per epoch"
            testId="bytes-chart"
            xs=${p.perEpoch.map((e) => Number(e.epoch))}
            ys=${p.perEpoch.map((e) => Number(e.bytes))}
            xLabel="epoch"
            yLabel="bytes"
            format=${(v: number) => formatBytes(Math.round(v))}
          />`
        : null
    }
    ${p.proof ? html`<${ProofView} proof=${p.proof} />` : null}
    ${p.proof ? html`<${ProofBundle} ctx=${ctx} epoch=${p.proof.epoch} />` : null}
  </article>`;
}

function ProofView({ proof }: { proof: ProofCheck }) {
  const from = proof.source === "aggregator" ? "the aggregator's proof" : "the bundle's leaves";
  return html`<section class=${`proof ${proof.ok ? "good" : "bad"}`} data-field="proof" data-ok=${String(proof.ok)}
    data-source=${proof.source}>
    <h4>
      ${proof.ok ? "✔ Payout proven against the on-chain root" : "✖ The payout proof does NOT check out"}${` (epoch ${proof.epoch}, ${from} checked in this browser)`}
    </h4>
    <ol class="steps">
      ${proof.steps.map(
        (s) => html`<li class=${s.ok ? "good" : "bad"} data-step=${s.kind} data-ok=${String(s.ok)}>
          <strong>${s.ok ? "✔" : "✖"} ${s.label}</strong>
          ${s.lines.length ? html`<pre class="mono small">${s.lines.join("\n")}</pre>` : null}
        </li>`,
      )}
    </ol>
  </section>`;
}

/**
 * The bundle of the proof's epoch, checked apart from the proof (which the on-chain root alone decides): streamed
 * and hashed in the background once the proof is shown, against the bundle hash posted on chain.
 */
function ProofBundle({ ctx, epoch }: { ctx: ExplorerContext; epoch: bigint }) {
  const post = ctx.view.posts.find((p) => p.epoch === epoch && !p.rejected);
  if (!post) return null;
  return html`<section class="bundle-check" data-field="proofBundle">
    <h4>Bundle of epoch ${String(epoch)} (checked in the background against the bundleHash posted on chain)</h4>
    <${BundleCheckView} post=${post} ctx=${ctx} />
  </section>`;
}
