import { createAggregatorClient } from "../../client/createAggregatorClient.ts";
import { createVerifierClient } from "../../client/createVerifierClient.ts";
import { getEpochLeaf } from "../../client/getEpochLeaf.ts";
import { getEvidence } from "../../client/getEvidence.ts";
import { listAudits } from "../../client/listAudits.ts";
import { listEpochs } from "../../client/listEpochs.ts";
import { MeshpayApiError } from "../../client/MeshpayApiError.ts";
import { openBundle } from "../../client/openBundle.ts";
import type { AggregatorClient, VerifierClient } from "../../client/ServiceClient.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import type { ExplorerApi } from "./ExplorerApi.ts";

/**
 * The explorer's reads of the aggregator (`aggregatorUrl`) and the verifier (`verifierUrl`) through the typed client
 * (src/client), its errors as the page's: no answer (or the CLI's proxy saying 502/504 UPSTREAM_UNREACHABLE) is
 * *_UNREACHABLE, any other failure *_ERROR with the status and the service's error body.
 */
export function createExplorerApi(args: {
  aggregatorUrl: string | null;
  verifierUrl: string | null;
  /** Base for relative service URLs (the page's own URL). */
  baseUrl?: string;
  fetch?: typeof fetch;
}): ExplorerApi {
  const options = {
    baseUrl: args.baseUrl ?? globalThis.location?.href ?? "http://localhost/",
    ...(args.fetch ? { fetch: args.fetch } : {}),
  };
  const aggregator = args.aggregatorUrl ? createAggregatorClient({ url: args.aggregatorUrl, ...options }) : null;
  const verifier = args.verifierUrl ? createVerifierClient({ url: args.verifierUrl, ...options }) : null;
  const agg = (): AggregatorClient => {
    if (!aggregator) throw new ExplorerError("AGGREGATOR_UNREACHABLE", "No aggregator URL is configured.");
    return aggregator;
  };
  const ver = (): VerifierClient => {
    if (!verifier) throw new ExplorerError("VERIFIER_NOT_CONFIGURED", "No verifier URL is configured.");
    return verifier;
  };
  const baseOf = (err: MeshpayApiError) => (err.service === "aggregator" ? aggregator?.url : verifier?.url) ?? err.url;
  /** Runs one client call; its MeshpayApiError as the ExplorerError the page shows. */
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw err instanceof MeshpayApiError ? toExplorerError(err, baseOf(err)) : err;
    }
  };

  const bundle: ExplorerApi["openBundle"] = (epoch, bundleHash) => call(() => openBundle(agg(), { epoch, bundleHash }));

  return {
    hasAggregator: !!aggregator,
    hasVerifier: !!verifier,
    listEpochs: (limit = 100) => call(() => listEpochs(agg(), { limit })),
    readLeaf: (epoch, poolId, account, bundleHash) =>
      call(() => getEpochLeaf(agg(), { epoch, poolId, account, bundleHash })),
    openBundle: bundle,
    async openBundleLeaves(epoch, bundleHash) {
      try {
        const leaves = await openBundle(agg(), { epoch, bundleHash, part: "leaves" });
        return { url: leaves.url, body: leaves.body, startAt: "leaf", servedHash: leaves.servedHash };
      } catch (err) {
        if (!(err instanceof MeshpayApiError)) throw err;
        // An aggregator from before the leaf section route: the whole bundle, read by the same parser.
        if (err.status !== 404 || err.code === "BUNDLE_NOT_FOUND") throw toExplorerError(err, baseOf(err));
        const whole = await bundle(epoch, bundleHash);
        return { url: whole.url, body: whole.body, startAt: "header", servedHash: whole.servedHash };
      }
    },
    listAudits: async () => (await call(() => listAudits(ver()))).posts,
    readEvidence: (documentHash) => call(() => getEvidence(ver(), { documentHash })),
  };
}

/** `base`: the service's configured URL, named in the "does not answer" sentence. */
function toExplorerError(err: MeshpayApiError, base: string): ExplorerError {
  const aggregator = err.service === "aggregator";
  if (err.status === null || err.status === 502 || err.status === 504 || err.code === "UPSTREAM_UNREACHABLE")
    return new ExplorerError(
      aggregator ? "AGGREGATOR_UNREACHABLE" : "VERIFIER_UNREACHABLE",
      `The ${err.service} at ${base} does not answer.`,
      { cause: err, ...(err.status === null ? {} : { status: err.status }) },
    );
  return new ExplorerError(aggregator ? "AGGREGATOR_ERROR" : "VERIFIER_ERROR", err.shortMessage, {
    cause: err,
    status: err.status,
    data: err.body ?? null,
  });
}
