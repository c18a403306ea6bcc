import type { Hex } from "../../protocol/types.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import type { AggregatorEpoch, AggregatorLeaf, ExplorerApi, VerifierAudit } from "./ExplorerApi.ts";

type Service = "aggregator" | "verifier";

/** The explorer's HTTP client for the aggregator (`aggregatorUrl`) and the verifier (`verifierUrl`). */
export function createExplorerApi(args: {
  aggregatorUrl: string | null;
  verifierUrl: string | null;
  /** Base for relative service URLs (the page's own URL). */
  baseUrl?: string;
  fetch?: typeof fetch;
}): ExplorerApi {
  const fetchFn = args.fetch ?? ((input, init) => fetch(input, init));
  const base = args.baseUrl ?? globalThis.location?.href ?? "http://localhost/";
  const root = (service: Service) => {
    const url = service === "aggregator" ? args.aggregatorUrl : args.verifierUrl;
    if (!url)
      throw new ExplorerError(
        service === "aggregator" ? "AGGREGATOR_UNREACHABLE" : "VERIFIER_NOT_CONFIGURED",
        `No ${service} URL is configured.`,
      );
    return new URL(url.endsWith("/") ? url : `${url}/`, base).toString();
  };
  const urlOf = (service: Service, path: string) => new URL(path.replace(/^\//, ""), root(service)).toString();

  const request = async (service: Service, path: string): Promise<Response> => {
    const url = urlOf(service, path);
    const down = service === "aggregator" ? "AGGREGATOR_UNREACHABLE" : "VERIFIER_UNREACHABLE";
    let res: Response;
    try {
      res = await fetchFn(url, {
        headers: { accept: "application/json, application/x-ndjson, application/octet-stream" },
      });
    } catch (cause) {
      throw new ExplorerError(down, `The ${service} at ${root(service)} does not answer.`, { cause });
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    if (res.status === 502 || res.status === 504 || body?.code === "UPSTREAM_UNREACHABLE")
      throw new ExplorerError(down, `The ${service} at ${root(service)} does not answer.`, { status: res.status });
    throw new ExplorerError(
      service === "aggregator" ? "AGGREGATOR_ERROR" : "VERIFIER_ERROR",
      `The ${service} answered ${res.status}${body?.code ? ` ${body.code}` : ""}: ${body?.message ?? res.statusText}`,
      { status: res.status, data: body },
    );
  };
  const json = async <T>(service: Service, path: string): Promise<T> => (await request(service, path)).json() as T;

  const openBundle: ExplorerApi["openBundle"] = async (epoch, bundleHash) => {
    const res = await request("aggregator", `v1/epochs/${epoch}/bundle?hash=${bundleHash}`);
    if (!res.body) throw new ExplorerError("BUNDLE_UNREACHABLE", `The bundle of epoch ${epoch} came without a body.`);
    const length = res.headers.get("content-length");
    return {
      url: res.url || urlOf("aggregator", `v1/epochs/${epoch}/bundle?hash=${bundleHash}`),
      body: res.body,
      size: length ? Number(length) : null,
      servedHash: (res.headers.get("x-meshpay-bundle-hash")?.toLowerCase() as Hex | undefined) ?? null,
    };
  };

  return {
    hasAggregator: !!args.aggregatorUrl,
    hasVerifier: !!args.verifierUrl,
    listEpochs: (limit = 100) =>
      json<{ currentEpoch: number; epochs: AggregatorEpoch[] }>("aggregator", `v1/epochs?limit=${limit}`),
    async readLeaf(epoch, poolId, account, bundleHash) {
      try {
        return await json<AggregatorLeaf>(
          "aggregator",
          `v1/epochs/${epoch}/leaves/${poolId}/${account}?hash=${bundleHash}`,
        );
      } catch (err) {
        if (
          err instanceof ExplorerError &&
          err.status === 404 &&
          (err.data as { code?: string })?.code === "LEAF_NOT_FOUND"
        )
          return null;
        throw err;
      }
    },
    openBundle,
    async openBundleLeaves(epoch, bundleHash) {
      const path = `v1/epochs/${epoch}/bundle/leaves?hash=${bundleHash}`;
      let res: Response;
      try {
        res = await request("aggregator", path);
      } catch (err) {
        // An aggregator from before the leaf section route: the whole bundle, read by the same parser.
        const code = (err instanceof ExplorerError && (err.data as { code?: string } | null)?.code) || null;
        if (!(err instanceof ExplorerError && err.status === 404 && code !== "BUNDLE_NOT_FOUND")) throw err;
        const whole = await openBundle(epoch, bundleHash);
        return { url: whole.url, body: whole.body, startAt: "header", servedHash: whole.servedHash };
      }
      if (!res.body) throw new ExplorerError("BUNDLE_UNREACHABLE", `The bundle of epoch ${epoch} came without a body.`);
      return {
        url: res.url || urlOf("aggregator", path),
        body: res.body,
        startAt: "leaf",
        servedHash: (res.headers.get("x-meshpay-bundle-hash")?.toLowerCase() as Hex | undefined) ?? null,
      };
    },
    async listAudits() {
      return (await json<{ posts: VerifierAudit[] }>("verifier", "v1/epochs")).posts;
    },
    async readEvidence(documentHash) {
      const res = await request("verifier", `v1/evidence/${documentHash}`);
      return { url: res.url, bytes: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}
