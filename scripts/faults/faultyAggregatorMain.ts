// The aggregator with fault injection, for tests and the demo only: the production entry point
// (src/aggregator/main.ts) cannot commit faults. It runs the same service with its seams filled.
//   node scripts/faults/faultyAggregatorMain.ts --config aggregator.json --fault inflate-bytes:3[:0xrelay]
//   node scripts/faults/faultyAggregatorMain.ts --config aggregator.json --crash-at after-submit-recorded
// An aggregator that commits a fault is challenged and slashed: never point it at a chain with real funds.
import { Command, Option } from "commander";
import { runAggregatorProcess } from "../../src/aggregator/runAggregatorProcess.ts";
import { type CrashPoint, crashPoints } from "./crashPoints.ts";
import { createFaultSeams } from "./createFaultSeams.ts";
import { faultKinds } from "./faultKinds.ts";
import { parseFault } from "./parseFault.ts";

const program = new Command()
  .name("meshpay-faulty-aggregator")
  .description("meshpay aggregator with deliberate faults (tests and the demo only)")
  .option("-c, --config <file>", "JSON configuration file, as for src/aggregator/main.ts")
  .option(
    "--fault <fault>",
    `commit a fault in one epoch: kind:epoch[:relay] or JSON {kind, epoch, relay?}; kinds: ${faultKinds.join(", ")}`,
  )
  .addOption(
    new Option("--crash-at <point>", "exit abruptly (SIGKILL) at this posting point").choices(Object.keys(crashPoints)),
  )
  .action(async (options: { config?: string; fault?: string; crashAt?: CrashPoint }) => {
    let fault: ReturnType<typeof parseFault> | undefined;
    try {
      fault = options.fault === undefined ? undefined : parseFault(options.fault);
    } catch (err) {
      process.stderr.write(`meshpay-faulty-aggregator: --fault: ${(err as Error).message}\n`);
      process.exit(2);
    }
    if (fault) process.stderr.write(`meshpay-faulty-aggregator: will commit ${fault.kind} in epoch ${fault.epoch}\n`);
    const seams = createFaultSeams({
      fault,
      crashAt: options.crashAt,
      onCrash: (point) => process.stderr.write(`meshpay-faulty-aggregator: crash point ${point} reached\n`),
    });
    await runAggregatorProcess({ config: options.config }, seams);
  });

await program.parseAsync();
