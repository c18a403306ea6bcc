import type { Deployment } from "../deployment/Deployment.ts";
import { CliError } from "../errors/CliError.ts";

/**
 * The aggregator `rewards` and `claim` read leaves and proofs from: `--aggregator <url>`, else MESHPAY_AGGREGATOR_URL,
 * else the deployment file's `aggregatorUrl`; none with `--no-aggregator` (`option` false) or when none is set (the
 * epoch bundles are read then). USAGE when the URL given is not http(s).
 */
export function resolveAggregatorUrl(
  option: string | boolean | undefined,
  env: Record<string, string | undefined>,
  deployment: Pick<Deployment, "aggregatorUrl">,
): string | undefined {
  if (option === false) return undefined;
  const [url, from] =
    typeof option === "string"
      ? [option, "--aggregator"]
      : env.MESHPAY_AGGREGATOR_URL
        ? [env.MESHPAY_AGGREGATOR_URL, "MESHPAY_AGGREGATOR_URL"]
        : [deployment.aggregatorUrl, "the deployment file's aggregatorUrl"];
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError("USAGE", `${from} must be an http(s) URL, not ${JSON.stringify(url)}.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new CliError("USAGE", `${from} must be an http(s) URL, not ${JSON.stringify(url)}.`);
  return url;
}
