import type { Command } from "commander";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";

const startExplorer = lazy(() => import("../commands/explorer/startExplorer.ts"), "startExplorer");

/** `meshpay explorer`: the web explorer (src/explorer/, docs/explorer.md). */
export function registerExplorerCommand(program: Command, deps: CliDeps, state: RunState): void {
  withExamples(
    program
      .command("explorer")
      .description(
        "serve the web explorer: pools, epochs, relay payouts proven in the browser, challenges (runs until Ctrl-C)",
      )
      .option("--port <port>", "HTTP port (0: any free port)", "8090")
      .option("--host <host>", "interface to listen on", "127.0.0.1")
      .option(
        "--aggregator <url>",
        "aggregator's public API (default: MESHPAY_AGGREGATOR_URL, else the deployment file's aggregatorUrl)",
      )
      .option("--verifier <url>", "verifier's public API (default: MESHPAY_VERIFIER_URL)")
      .option("--browser-rpc <url>", "JSON-RPC URL the browser reads the chain from (default: the RPC URL)")
      .option("--dist <dir>", "the built app (default: dist/explorer, from `npm run build:explorer`)")
      .option("--cdn-price <usd>", "what a CDN charges per GB, in US dollars, for the comparison", "0.05")
      .option("--token-usd <usd>", "US dollars per whole pool token (1 for a dollar stablecoin)", "1")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            startExplorer(
              {
                port: o.port as string,
                host: o.host as string,
                aggregator: o.aggregator as string | undefined,
                verifier: o.verifier as string | undefined,
                browserRpc: o.browserRpc as string | undefined,
                dist: o.dist as string | undefined,
                cdnPrice: o.cdnPrice as string,
                tokenUsd: o.tokenUsd as string,
              },
              ctx,
              (ready) => {
                if (ctx.output.json) deps.stdout.write(`${JSON.stringify(toJsonSafe({ ready: true, ...ready }))}\n`);
                else
                  deps.stderr.write(
                    `meshpay explorer at ${ready.url} (chain from ${ready.rpcUrl}, aggregator ` +
                      `${ready.aggregator ?? "none"}, verifier ${ready.verifier ?? "none"}); Ctrl-C stops it.\n`,
                  );
              },
            ),
          (r) => `Explorer stopped (${r.stoppedBy}).`,
        ),
      ),
    "meshpay explorer --port 8090 --aggregator http://127.0.0.1:8080 --verifier http://127.0.0.1:8081",
  );
}
