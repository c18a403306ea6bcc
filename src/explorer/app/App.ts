import { html } from "htm/preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { createExplorerApi } from "../api/createExplorerApi.ts";
import { createBundleChecker } from "../bundle/createBundleChecker.ts";
import { createExplorerChain } from "../chain/createExplorerChain.ts";
import type { ExplorerConfig } from "../config/ExplorerConfig.ts";
import { loadExplorerConfig } from "../config/loadExplorerConfig.ts";
import { shortHex } from "../format/shortHex.ts";
import { ChallengesPage } from "../pages/ChallengesPage.ts";
import { EpochsPage } from "../pages/EpochsPage.ts";
import { PoolsPage } from "../pages/PoolsPage.ts";
import { RelayPage } from "../pages/RelayPage.ts";
import { ErrorState } from "../ui/ErrorState.ts";
import { LoadingState } from "../ui/LoadingState.ts";
import { useLoad } from "../ui/useLoad.ts";
import type { ExplorerContext } from "./ExplorerContext.ts";
import { parseRoute, type Route } from "./parseRoute.ts";

const REFRESH_MS = 15_000;

/** The explorer: configuration, then the chain as read now (refreshed every 15 s), then the page the hash names. */
export function App() {
  const config = useLoad(() => loadExplorerConfig(), []);
  if (config.status === "loading") return html`<${Shell}><${LoadingState} what="Reading the configuration" /><//>`;
  if (config.status === "error")
    return html`<${Shell}><${ErrorState} error=${config.error} retry=${config.reload} /><//>`;
  return html`<${Explorer} config=${config.value} />`;
}

function Explorer({ config }: { config: ExplorerConfig }) {
  const route = useRoute();
  const readers = useMemo(() => {
    const api = createExplorerApi({ aggregatorUrl: config.aggregatorUrl, verifierUrl: config.verifierUrl });
    return {
      chain: createExplorerChain({
        rpcUrl: config.rpcUrl,
        distributor: config.distributor,
        fromBlock: config.fromBlock,
        chainId: config.chainId || undefined,
      }),
      api,
      bundles: createBundleChecker(api),
    };
  }, [config]);
  const view = useLoad(
    async () => ({ view: await readers.chain.readChainView(), readAt: Date.now() }),
    [readers],
    REFRESH_MS,
  );
  const ctx: ExplorerContext | null = view.value
    ? { config, ...readers, view: view.value.view, readAt: view.value.readAt }
    : null;
  return html`<${Shell} route=${route} ctx=${ctx} config=${config} reload=${view.reload}>
    ${view.status === "error" ? html`<${ErrorState} error=${view.error} retry=${view.reload} />` : null}
    ${view.status === "loading" && !ctx ? html`<${LoadingState} what="Reading the chain" />` : null}
    ${ctx && view.status !== "error" ? html`<${Page} route=${route} ctx=${ctx} />` : null}
  <//>`;
}

function Page({ route, ctx }: { route: Route; ctx: ExplorerContext }) {
  switch (route.page) {
    case "epochs":
      return html`<${EpochsPage} ctx=${ctx} />`;
    case "relay":
      return html`<${RelayPage} ctx=${ctx} account=${route.account} />`;
    case "challenges":
      return html`<${ChallengesPage} ctx=${ctx} />`;
    default:
      return html`<${PoolsPage} ctx=${ctx} />`;
  }
}

function Shell(props: {
  route?: Route;
  ctx?: ExplorerContext | null;
  config?: ExplorerConfig;
  reload?: () => void;
  children?: unknown;
}) {
  const tab = (page: Route["page"], label: string, href: string) =>
    html`<a href=${href} class=${props.route?.page === page ? "active" : ""} aria-current=${props.route?.page === page ? "page" : undefined}>${label}</a>`;
  const v = props.ctx?.view;
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/pools">meshpay <span>explorer</span></a>
      <nav>
        ${tab("pools", "Pools", "#/pools")} ${tab("epochs", "Epochs", "#/epochs")} ${tab("relay", "Relays", "#/relay")}
        ${tab("challenges", "Challenges", "#/challenges")}
      </nav>
    </header>
    ${
      props.config
        ? html`<div class="chainbar" data-field="chainbar">
            ${v ? html`<span>chain ${v.chainId} · block ${String(v.blockNumber)}</span>` : html`<span>chain ${props.config.chainId || "?"}</span>`}
            <span title=${props.config.distributor}>distributor ${shortHex(props.config.distributor)}</span>
            <span title=${props.config.rpcUrl}>RPC ${props.config.rpcUrl}</span>
            ${v?.paused ? html`<span class="bad">paused</span>` : null}
            ${props.reload ? html`<button type="button" class="link" onClick=${props.reload}>refresh</button>` : null}
          </div>`
        : null
    }
    <main>${props.children}</main>
    <footer class="muted">
      Chain data is read by this page straight from the RPC endpoint; bundles are hashed and proofs folded here, so
      nothing shown depends on trusting the server that served the page.
    </footer>
  </div>`;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  return route;
}
