import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The verifier's Prometheus metrics, in their own registry (GET /metrics). */
export function createVerifierMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    lastProcessedBlock: new Gauge({
      name: "meshpay_verifier_last_processed_block",
      help: "Last block whose events were processed",
      registers: [registry],
    }),
    chainHead: new Gauge({
      name: "meshpay_verifier_chain_head_block",
      help: "Latest block number seen",
      registers: [registry],
    }),
    reorgs: new Counter({
      name: "meshpay_verifier_reorgs_total",
      help: "Chain reorganisations that rolled processed events back",
      registers: [registry],
    }),
    audits: new Counter({
      name: "meshpay_verifier_audits_total",
      help: "Epoch audits completed, by result (ok, faulty)",
      labelNames: ["result"],
      registers: [registry],
    }),
    findings: new Counter({
      name: "meshpay_verifier_faults_total",
      help: "Faulty epochs, by fault code",
      labelNames: ["fault"],
      registers: [registry],
    }),
    auditSeconds: new Histogram({
      name: "meshpay_verifier_audit_seconds",
      help: "Time to audit one epoch bundle",
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    bundleFetchFailures: new Counter({
      name: "meshpay_verifier_bundle_fetch_failures_total",
      help: "Failed bundle downloads",
      registers: [registry],
    }),
    challenges: new Counter({
      name: "meshpay_verifier_challenges_total",
      help: "Challenge transactions, by outcome (submitted, opened, failed, missed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    disputes: new Counter({
      name: "meshpay_verifier_disputes_total",
      help: "Disputes by final state",
      labelNames: ["status"],
      registers: [registry],
    }),
    claims: new Counter({
      name: "meshpay_verifier_claims_total",
      help: "Paid claims by state reached (queued, submitted, paid, failed, refused)",
      labelNames: ["status"],
      registers: [registry],
    }),
    feesEarned: new Counter({
      name: "meshpay_verifier_claim_fees_total",
      help: "Claim fees received, in token base units (per token)",
      labelNames: ["token"],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "meshpay_verifier_http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    loopErrors: new Counter({
      name: "meshpay_verifier_loop_errors_total",
      help: "Errors in background loops (retried)",
      labelNames: ["loop"],
      registers: [registry],
    }),
  };
}

export type VerifierMetrics = ReturnType<typeof createVerifierMetrics>;
