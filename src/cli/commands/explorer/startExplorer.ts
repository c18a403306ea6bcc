import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import express, { type Request, type Response } from "express";
import type { CommandContext } from "../../context/CliDeps.ts";
import { projectRoot } from "../../context/projectRoot.ts";
import { getDeploymentPath, resolvePath } from "../../context/resolvePath.ts";
import { readDeployment } from "../../deployment/readDeployment.ts";
import { CliError } from "../../errors/CliError.ts";

export type ExplorerReady = {
  url: string;
  port: number;
  dist: string;
  rpcUrl: string;
  aggregator: string | null;
  verifier: string | null;
};
export type ExplorerResult = ExplorerReady & { stoppedBy: NodeJS.Signals };

/** Headers passed through from the aggregator and the verifier (a bundle's hash, length and caching). */
const PASSED_HEADERS = [
  "content-type",
  "content-length",
  "etag",
  "cache-control",
  "x-meshpay-bundle-hash",
  "retry-after",
];

/**
 * `meshpay explorer`: serves the built web app (dist/explorer, `npm run build:explorer`) with a config.json for the
 * deployment, and relays GET requests under /api/aggregator/ and /api/verifier/ to those services (they send no CORS
 * headers). The page reads the chain straight from the RPC URL in config.json (--browser-rpc, default the RPC URL)
 * and checks every bundle and proof itself, so this server is trusted for nothing but the page's code. Runs until
 * SIGINT/SIGTERM.
 */
export async function startExplorer(
  args: {
    port?: string;
    host?: string;
    aggregator?: string;
    verifier?: string;
    dist?: string;
    browserRpc?: string;
    cdnPrice?: string;
    tokenUsd?: string;
  },
  ctx: CommandContext,
  onReady: (ready: ExplorerReady) => void,
): Promise<ExplorerResult> {
  const port = Number(args.port ?? "8090");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError("USAGE", `--port must be a TCP port, not ${JSON.stringify(args.port)}.`);
  const deploymentPath = getDeploymentPath(ctx.deps, ctx.globals);
  const deployment = readDeployment(deploymentPath);
  const rpcUrl = ctx.globals.rpc || ctx.deps.env.MESHPAY_RPC_URL || deployment.rpcUrl;
  const dist = args.dist ? resolvePath(ctx.deps, args.dist) : resolve(projectRoot, "dist/explorer");
  if (!existsSync(join(dist, "index.html")))
    throw new CliError("NOT_FOUND", `The explorer is not built: ${join(dist, "index.html")} does not exist.`, {
      hint: "Build it with `npm run build:explorer` (npm run setup does), or pass --dist <directory>.",
    });
  const services = {
    aggregator: normalizeUrl(
      args.aggregator ?? ctx.deps.env.MESHPAY_AGGREGATOR_URL ?? deployment.aggregatorUrl,
      "--aggregator",
    ),
    verifier: normalizeUrl(args.verifier ?? ctx.deps.env.MESHPAY_VERIFIER_URL, "--verifier"),
  };
  const cdnUsdPerGB = Number(args.cdnPrice ?? "0.05");
  const tokenUsd = Number(args.tokenUsd ?? "1");
  if (!(cdnUsdPerGB > 0) || !(tokenUsd > 0))
    throw new CliError("USAGE", "--cdn-price and --token-usd must be positive numbers (US dollars).");

  const app = express();
  app.disable("x-powered-by");
  app.get("/config.json", (_req, res) => {
    res.set("cache-control", "no-store").json({
      chainId: deployment.chainId,
      rpcUrl: args.browserRpc ?? rpcUrl,
      distributor: deployment.distributor,
      fromBlock: deployment.fromBlock,
      aggregatorUrl: services.aggregator ? "api/aggregator/" : null,
      verifierUrl: services.verifier ? "api/verifier/" : null,
      cdnUsdPerGB,
      tokenUsd,
    });
  });
  for (const name of ["aggregator", "verifier"] as const)
    app.get(new RegExp(`^/api/${name}/(.*)$`), (req, res) => relay(ctx, services[name], name, req, res));
  app.use(express.static(dist, { index: "index.html", maxAge: 0 }));
  app.use((_req, res) => res.status(404).json({ code: "NOT_FOUND", message: "No such file in the explorer." }));

  const server = createServer(app);
  await new Promise<void>((ok, fail) => {
    server.once("error", (cause: NodeJS.ErrnoException) =>
      fail(
        new CliError("USAGE", `The explorer cannot listen on ${args.host ?? "127.0.0.1"}:${port} (${cause.code}).`, {
          cause,
          hint: "Choose another --port.",
        }),
      ),
    );
    server.listen(port, args.host ?? "127.0.0.1", () => ok());
  });
  const bound = (server.address() as { port: number }).port;
  const host = args.host ?? "127.0.0.1";
  const ready: ExplorerReady = {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${bound}/`,
    port: bound,
    dist,
    rpcUrl: args.browserRpc ?? rpcUrl,
    aggregator: services.aggregator,
    verifier: services.verifier,
  };
  onReady(ready);
  const stoppedBy = await new Promise<NodeJS.Signals>((done) => {
    const remove = ctx.deps.onSignal((signal) => {
      remove();
      done(signal);
    });
  });
  await close(server);
  return { ...ready, stoppedBy };
}

function normalizeUrl(url: string | undefined, option: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    return u.toString().replace(/\/?$/, "/");
  } catch {
    throw new CliError("USAGE", `${option} must be an http(s) URL, not ${JSON.stringify(url)}.`);
  }
}

/** Relays one GET to the service, streaming the body through; 502 UPSTREAM_UNREACHABLE when it does not answer. */
async function relay(
  ctx: CommandContext,
  base: string | null,
  name: string,
  req: Request,
  res: Response,
): Promise<void> {
  if (!base) {
    res.status(404).json({ code: "NOT_CONFIGURED", message: `This explorer was started without --${name}.` });
    return;
  }
  const path = req.originalUrl.slice(`/api/${name}/`.length);
  const target = new URL(path, base);
  let upstream: globalThis.Response;
  try {
    upstream = await ctx.deps.fetch(target, {
      headers: { accept: req.get("accept") ?? "*/*" },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    res.status(502).json({
      code: "UPSTREAM_UNREACHABLE",
      message: `The ${name} at ${base} does not answer: ${(cause as Error).message}`,
    });
    return;
  }
  res.status(upstream.status);
  for (const h of PASSED_HEADERS) {
    const v = upstream.headers.get(h);
    if (v !== null) res.set(h, v);
  }
  if (!upstream.body) {
    res.end();
    return;
  }
  const body = Readable.fromWeb(upstream.body as import("node:stream/web").ReadableStream);
  body.on("error", () => res.destroy());
  body.pipe(res);
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}
