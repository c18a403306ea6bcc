import type { AggregatorSeams } from "../../src/aggregator/startAggregator.ts";
import { type CrashPoint, crashPoints } from "./crashPoints.ts";
import type { FaultConfig } from "./faultKinds.ts";
import { faultTamperRef } from "./faultTamperRef.ts";

/**
 * Fills the aggregator's seams for tests and the demo: `fault` is committed in its epoch's posts until one reaches
 * the chain (re-posts after a rejection are honest); `crashAt` kills the process at that point of posting.
 */
export function createFaultSeams(args: {
  fault?: FaultConfig;
  crashAt?: CrashPoint;
  onCrash?: (point: CrashPoint) => void;
}): AggregatorSeams {
  const { fault, crashAt } = args;
  const seams: AggregatorSeams = {};
  if (fault) {
    const ref = faultTamperRef(fault);
    seams.tamperFor = (epoch, { everOnChain }) => (epoch === fault.epoch && !everOnChain ? ref : null);
  }
  if (crashAt)
    seams.onStep = (step) => {
      if (step !== crashPoints[crashAt]) return;
      args.onCrash?.(crashAt);
      process.kill(process.pid, "SIGKILL");
    };
  return seams;
}
