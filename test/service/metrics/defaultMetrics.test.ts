import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMetrics } from "../../../src/aggregator/metrics/createMetrics.ts";
import { createVerifierMetrics } from "../../../src/verifier/metrics/createVerifierMetrics.ts";

/** Names dashboards and alerts for any Node service expect (prom-client's default metrics, no prefix). */
const STANDARD = [
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  "process_start_time_seconds",
  "nodejs_eventloop_lag_seconds",
  "nodejs_heap_size_used_bytes",
  "nodejs_gc_duration_seconds",
];

describe("Node's default metrics on /metrics", () => {
  for (const [service, create, own] of [
    ["aggregator", createMetrics, "meshpay_aggregator_receipts_total"],
    ["verifier", createVerifierMetrics, "meshpay_verifier_last_processed_block"],
  ] as const)
    it(`the ${service}'s registry has them under their standard names beside its own, once per registry`, async () => {
      // Two in one process (as tests that start several apps do): each has its own registry, nothing collides.
      const first = create();
      const second = create();
      for (const metrics of [first, second]) {
        const text = await metrics.registry.metrics();
        for (const name of STANDARD) assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), name);
        assert.match(text, new RegExp(`^# TYPE ${own} `, "m"));
        assert.doesNotMatch(text, /meshpay_(aggregator|verifier)_(process|nodejs)_/);
      }
    });
});
