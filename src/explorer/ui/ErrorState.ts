import { html } from "htm/preact";
import { ExplorerError } from "../errors/ExplorerError.ts";

const HINTS: Record<string, string> = {
  RPC_UNREACHABLE:
    "The chain's JSON-RPC endpoint does not answer: is the node running? Another endpoint can be given with ?rpc=<url>.",
  CHAIN_MISMATCH: "The RPC endpoint serves another chain than the one this explorer is configured for.",
  AGGREGATOR_UNREACHABLE:
    "The aggregator does not answer. Chain data is still shown; receipts, bytes, leaves and bundles come back with it.",
  AGGREGATOR_ERROR: "The aggregator refused the request.",
  VERIFIER_UNREACHABLE: "The verifier does not answer; its audits and evidence are unavailable until it does.",
  VERIFIER_NOT_CONFIGURED: "No verifier is configured (config.json verifierUrl or ?verifier=<url>).",
  CONFIG_INVALID: "config.json next to the page, or the query string, must name the RPC URL and the distributor.",
  ADDRESS_INVALID: "An address is 0x followed by 40 hexadecimal digits.",
};

/** A failure, designed: what failed, why in a sentence, what to do, and a retry. */
export function ErrorState({ error, retry, compact }: { error: unknown; retry?: () => void; compact?: boolean }) {
  const code = error instanceof ExplorerError ? error.code : "INTERNAL";
  const message = error instanceof ExplorerError ? error.shortMessage : String((error as Error)?.message ?? error);
  const title =
    code === "RPC_UNREACHABLE"
      ? "The chain is unreachable"
      : code.startsWith("AGGREGATOR")
        ? "The aggregator is unavailable"
        : code.startsWith("VERIFIER")
          ? "The verifier is unavailable"
          : "Something went wrong";
  return html`<div class=${`state state-error${compact ? " compact" : ""}`} role="alert" data-state="error" data-code=${code}>
    <h3>${title}</h3>
    <p class="error-message">${message}</p>
    ${HINTS[code] ? html`<p class="hint">${HINTS[code]}</p>` : null}
    ${retry ? html`<button type="button" onClick=${retry}>Try again</button>` : null}
  </div>`;
}
