import { html } from "htm/preact";
import { getEvidenceHash } from "../../contracts/getEvidenceHash.ts";
import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { ExplorerContext } from "../app/ExplorerContext.ts";
import type { ChallengeView } from "../chain/ExplorerChain.ts";
import { formatTimestamp } from "../format/formatTimestamp.ts";
import { Countdown } from "../ui/Countdown.ts";
import { EmptyState } from "../ui/EmptyState.ts";
import { ErrorState } from "../ui/ErrorState.ts";
import { Hash } from "../ui/Hash.ts";
import { useLoad } from "../ui/useLoad.ts";

/**
 * Challenges and proofs: open and decided challenges from the chain (ChallengeOpened joined with challengeInfo and
 * the decision's event), each with its evidence fetched and checked against the evidenceHash committed on chain
 * (keccak256(abi.encode(challenger, keccak256(document))): evidence bound to its challenger, so a copied challenge
 * shows as not matching), and the verifier's audit of every post it saw.
 */
export function ChallengesPage({ ctx }: { ctx: ExplorerContext }) {
  const { view, api } = ctx;
  const audits = useLoad(() => (api.hasVerifier ? api.listAudits() : Promise.resolve(null)), [view.blockNumber]);
  const open = view.challenges.filter((c) => c.status === "open");
  const decided = view.challenges.filter((c) => c.status !== "open");
  const eth = (wei: bigint) => `${Number(wei) / 1e18} ETH`;
  const item = (
    c: ChallengeView,
  ) => html`<li class=${`card challenge status-${c.status}`} data-challenge-id=${String(c.challengeId)} data-status=${c.status}>
    <div class="epoch-head">
      <strong>Challenge #${String(c.challengeId)}</strong>
      <span class=${`badge status-${c.status}`}>${c.status}</span>
      <span>on epoch <a href="#/epochs">${String(c.epoch)}</a></span>
      ${c.status === "open" ? html`<span class="muted">arbiter deadline <${Countdown} at=${c.deadline} chainTime=${view.chainTime} readAt=${ctx.readAt} /></span>` : null}
    </div>
    <dl class="epoch-facts">
      <div><dt>challenger</dt><dd><${Hash} value=${c.challenger} /> (bond ${eth(c.bond)})</dd></div>
      <div><dt>opened</dt><dd>${formatTimestamp(c.openedAt)}</dd></div>
      ${c.decidedBy ? html`<div><dt>decided by</dt><dd><${Hash} value=${c.decidedBy} /></dd></div>` : null}
      <div class="wide"><dt>evidence</dt><dd><${EvidenceView} c=${c} ctx=${ctx} /></dd></div>
    </dl>
  </li>`;
  return html`<section class="page" data-page="challenges">
    <h2>Challenges and proofs</h2>
    <h3>Open (${open.length})</h3>
    ${open.length === 0 ? html`<${EmptyState} title="No open challenge">Every posted epoch is either in its window unchallenged or settled.<//>` : html`<ol class="plain">${open.map(item)}</ol>`}
    <h3>Decided (${decided.length})</h3>
    ${decided.length === 0 ? html`<${EmptyState} title="No decided challenge yet">Upheld, dismissed, expired and voided challenges appear here.<//>` : html`<ol class="plain">${decided.map(item)}</ol>`}
    <h3>Fraud proofs</h3>
    <p class="muted" data-field="fraudProofs">
      This deployment has no on-chain fraud-proof contract yet: challenges are decided by the arbiter. Proofs decided
      on chain will be listed here once the contract emits them.
    </p>
    <h3>The verifier's audits</h3>
    ${audits.status === "error" ? html`<${ErrorState} error=${audits.error} retry=${audits.reload} compact />` : null}
    ${audits.status === "ok" && audits.value === null ? html`<p class="muted">No verifier is configured.</p>` : null}
    ${
      audits.value && audits.value.length === 0
        ? html`<${EmptyState} title="No audit yet">The verifier audits each post once it sees it on chain.<//>`
        : null
    }
    ${
      audits.value && audits.value.length > 0
        ? html`<div class="table-wrap"><table class="audits">
            <thead><tr><th>epoch</th><th>root</th><th>audit</th><th>finding</th><th>challenge</th></tr></thead>
            <tbody>${audits.value.slice(0, 12).map(
              (a) => html`<tr data-epoch=${a.epoch} data-audit=${a.audit?.status ?? "none"}>
                <td>${a.epoch}</td>
                <td>${a.post ? html`<${Hash} value=${a.post.root} />` : "–"}</td>
                <td><span class=${`badge audit-${a.audit?.status ?? "none"}`}>${a.audit?.status ?? "not audited"}</span></td>
                <td>${a.audit?.fault ?? (a.audit?.findings.length ? a.audit.findings.map((f) => f.code).join(", ") : "–")}</td>
                <td>${a.audit?.challenge ? `${a.audit.challenge.status}${a.audit.challenge.challengeId ? ` #${a.audit.challenge.challengeId}` : ""}` : "–"}</td>
              </tr>`,
            )}</tbody>
          </table></div>
          ${audits.value.length > 12 ? html`<p class="muted small">The 12 newest of the verifier's ${audits.value.length} audits.</p>` : null}`
        : null
    }
  </section>`;
}

function EvidenceView({ c, ctx }: { c: ChallengeView; ctx: ExplorerContext }) {
  const check = useLoad(async () => {
    // The evidenceURI ends in the document's own hash (the verifier serves /v1/evidence/<keccak256(document)>).
    const named = /0x[0-9a-fA-F]{64}$/.exec(c.evidenceURI)?.[0];
    if (!named) throw new Error("the evidenceURI names no document hash");
    const { bytes } = await ctx.api.readEvidence(named as Hex);
    const hash = bytesToHex(keccak256(bytes));
    const bound = getEvidenceHash(c.challenger, hash).toLowerCase();
    let summary: string | null = null;
    try {
      const doc = JSON.parse(new TextDecoder().decode(bytes));
      summary = typeof doc.summary === "string" ? doc.summary : typeof doc.fault === "string" ? doc.fault : null;
    } catch {
      // not JSON: the hash check stands alone
    }
    return { hash, bound, matches: bound === c.evidenceHash.toLowerCase(), summary };
  }, [c.evidenceHash]);
  const link = c.evidenceURI
    ? html`<a href=${c.evidenceURI} rel="noreferrer">${c.evidenceURI}</a>`
    : html`<span class="muted">no URI</span>`;
  return html`${link}
    <div class="mono small">evidenceHash ${c.evidenceHash}</div>
    ${check.status === "loading" ? html`<div class="muted small" data-field="evidenceCheck" data-check="loading">fetching the evidence…</div>` : null}
    ${check.status === "error" ? html`<div class="muted small" data-field="evidenceCheck" data-check="unavailable">not available from the verifier: ${(check.error as Error).message}</div>` : null}
    ${
      check.status === "ok"
        ? html`<div class=${`check small ${check.value.matches ? "good" : "bad"}`} data-field="evidenceCheck" data-check=${check.value.matches ? "ok" : "mismatch"}>
            ${check.value.matches ? "✔ the evidence, bound to its challenger, hashes to the evidenceHash committed on chain" : `✖ the evidence hashes to ${check.value.hash}; bound to the challenger that is ${check.value.bound}, not the committed hash`}
            ${check.value.summary ? html`<div>${check.value.summary}</div>` : null}
          </div>`
        : null
    }`;
}
