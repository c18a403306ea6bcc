/**
 * The environment variable of a setting, by one rule: `MESHPAY_`, then the service's name, then the setting's dotted
 * path in upper snake case (`http.publicUrl` of the verifier: `MESHPAY_VERIFIER_HTTP_PUBLIC_URL`). The `chain` and
 * `log` sections are the same for both services (and the CLI): one variable each, without the service's name, and
 * `chain.` is left out (`chain.rpcUrl`: `MESHPAY_RPC_URL`; `log.level`: `MESHPAY_LOG_LEVEL`).
 */
export function envNameOf(service: "aggregator" | "verifier", path: string): string {
  const shared = path.startsWith("chain.") || path.startsWith("log.");
  const name = shared ? path.replace(/^chain\./, "") : `${service}.${path}`;
  return `MESHPAY_${name
    .split(".")
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())
    .join("_")}`;
}
