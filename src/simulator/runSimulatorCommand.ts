import { Command, InvalidArgumentError } from "commander";
import type { Address, EpochParams, Hex } from "../protocol/types.ts";
import { isHexOfLength } from "../protocol/utils/bytes.ts";
import { createSimulation } from "./createSimulation.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import { readChainEpochParams } from "./readChainEpochParams.ts";
import { type CheatMode, cheatModes, type SimulationProgress, type SimulationSummary } from "./types.ts";

export type SimulatorCommandDeps = {
  env: Record<string, string | undefined>;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Resolves with the signal's name when the process is asked to stop (SIGINT/SIGTERM); optional. */
  onInterrupt?: (stop: () => void) => void;
};

const HELP = `
Examples:
  node src/simulator/main.ts --aggregator http://127.0.0.1:8080 --rpc-url http://127.0.0.1:8545 \\
    --distributor 0x… --pool 0x… --ticket-signer-key-env TICKET_KEY --epochs 3 --loss 0.02 --late 0.01 --cheat 1
  node src/simulator/main.ts … --fast --signer native --start-at 1767225600000 --seconds 600 --viewers 2000 --json

Epoch parameters come from the distributor's config() over --rpc-url, or from --genesis-time, --epoch-seconds
and --grace-seconds. The ticket signer's secret key is read from the environment variable named by
--ticket-signer-key-env (never from the command line).

Exit codes: 0 done (with --check: and every check passed), 1 a check failed, 2 usage error, 3 chain or
aggregator unreachable.
`;

/**
 * The simulator command: parses the options, builds the simulation, prints progress on stderr and the summary
 * on stdout (a table, or JSON with --json). Returns the exit code.
 */
export async function runSimulatorCommand(argv: string[], deps: SimulatorCommandDeps): Promise<number> {
  let usageError: string | null = null;
  const program = new Command("meshpay-sim")
    .description(
      "Simulate a live-stream swarm sending real signed receipts through relay SDK instances to an aggregator",
    )
    .requiredOption("--aggregator <url>", "aggregator base URL (POST <url>/v1/receipts)")
    .option("--rpc-url <url>", "JSON-RPC endpoint to read the chain id and the distributor's epoch parameters from")
    .option("--chain-id <n>", "chain id of the EIP-712 domain (default: from --rpc-url)", integer)
    .requiredOption("--distributor <address>", "RewardDistributor address (EIP-712 verifyingContract)")
    .requiredOption("--pool <poolId>", "pool id (0x + 64 hex)")
    .option(
      "--ticket-signer-key-env <VAR>",
      "environment variable holding the pool's ticketSigner secret key",
      "MESHPAY_TICKET_SIGNER_KEY",
    )
    .option("--genesis-time <s>", "epoch genesis (unix seconds), instead of reading the chain", integer)
    .option("--epoch-seconds <s>", "epoch length in seconds, instead of reading the chain", integer)
    .option("--grace-seconds <s>", "grace after an epoch's end in seconds, instead of reading the chain", integer)
    .option("--viewers <n>", "concurrent viewer seats", integer, 200)
    .option("--relays <n>", "relay operators", integer, 40)
    .option(
      "--relay-addresses <list>",
      "comma-separated payout addresses of the relays (default: derived from the seed)",
    )
    .option("--attach <n>", "relays each viewer is attached to", integer, 2)
    .option("--bitrate-kbps <n>", "stream bitrate (kbit/s)", number, 1000)
    .option("--chunk-bytes <n>", "chunk size in bytes", integer, 65_536)
    .option("--segment-seconds <s>", "segment duration in seconds", number, 2)
    .option("--churn <f>", "fraction of viewers leaving (and replaced) per minute", number, 0)
    .option("--relay-churn <f>", "fraction of online relays leaving (and coming back later) per minute", number, 0)
    .option("--loss <f>", "fraction of deliveries lost (no receipt)", number, 0)
    .option("--late <f>", "fraction of receipts handed over after their epoch closed", number, 0)
    .option("--cheat <n>", "cheating relays (the last n), claiming chunks they never delivered", integer, 0)
    .option(
      "--cheat-rate <f>",
      "per chunk another relay delivers, chance each cheater forges a claim for it",
      number,
      0.05,
    )
    .option("--cheat-modes <list>", `comma-separated forgery kinds (${cheatModes.join(", ")})`)
    .option("--seconds <s>", "simulated seconds to run", number)
    .option("--epochs <n>", "run to the end of the n-th epoch (counting the current one)", integer)
    .option("--until <ms>", "run until this unix ms", integer)
    .option("--fast", "no sleeping: the virtual clock jumps from chunk to chunk (choose timestamps with --start-at)")
    .option("--start-at <ms>", "simulation start (unix ms; default now)", integer)
    .option("--max-lag-ms <ms>", "realtime: skip chunk slots reached more than this late", integer, 1000)
    .option("--signer <kind>", "receiver (receiver SDK, default) or native (libsecp256k1, faster)", "receiver")
    .option("--seed <seed>", "seed of every random choice", "1")
    .option("--work-dir <dir>", "directory for the relays' SQLite files (default: a temporary directory)")
    .option("--json", "print the summary as JSON")
    .option("--no-progress", "do not print progress lines on stderr")
    .option("--check", "exit 1 unless the aggregator's answers match the expectations (summary.checks.ok)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      outputError: (message) => (usageError = message.replace(/^error: /, "").trim()),
    });
  program.addHelpText("after", HELP);

  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") return 0;
    deps.stderr.write(`error: ${usageError ?? (error as Error).message}\n`);
    return 2;
  }
  const opts = program.opts<{
    aggregator: string;
    rpcUrl?: string;
    chainId?: number;
    distributor: string;
    pool: string;
    ticketSignerKeyEnv: string;
    genesisTime?: number;
    epochSeconds?: number;
    graceSeconds?: number;
    viewers: number;
    relays: number;
    relayAddresses?: string;
    attach: number;
    bitrateKbps: number;
    chunkBytes: number;
    segmentSeconds: number;
    churn: number;
    relayChurn: number;
    loss: number;
    late: number;
    cheat: number;
    cheatRate: number;
    cheatModes?: string;
    seconds?: number;
    epochs?: number;
    until?: number;
    fast?: boolean;
    startAt?: number;
    signer: string;
    maxLagMs: number;
    seed: string;
    workDir?: string;
    json?: boolean;
    progress: boolean;
    check?: boolean;
  }>();
  const usage = (message: string): number => {
    deps.stderr.write(`error: ${message}\n`);
    return 2;
  };

  if (!isHexOfLength(opts.distributor, 20)) return usage("--distributor must be a 0x address.");
  if (!isHexOfLength(opts.pool, 32)) return usage("--pool must be 0x + 64 hex digits.");
  const key = deps.env[opts.ticketSignerKeyEnv];
  if (!key)
    return usage(
      `The environment variable ${opts.ticketSignerKeyEnv} (--ticket-signer-key-env) holds no ticket signer key.`,
    );
  if (!isHexOfLength(key, 32)) return usage(`${opts.ticketSignerKeyEnv} must hold a 0x + 64 hex secret key.`);
  if ([opts.seconds, opts.epochs, opts.until].filter((v) => v !== undefined).length !== 1)
    return usage("Give exactly one of --seconds, --epochs or --until.");
  const relayAccounts = opts.relayAddresses?.split(",").map((a) => a.trim()) as Address[] | undefined;
  if (relayAccounts && (relayAccounts.length < opts.relays || relayAccounts.some((a) => !isHexOfLength(a, 20))))
    return usage(`--relay-addresses needs ${opts.relays} comma-separated 0x addresses.`);
  const modes = opts.cheatModes?.split(",").map((m) => m.trim()) as CheatMode[] | undefined;
  if (modes?.some((m) => !cheatModes.includes(m))) return usage(`--cheat-modes takes ${cheatModes.join(", ")}.`);
  if (opts.signer !== "receiver" && opts.signer !== "native") return usage("--signer is receiver or native.");

  let chainId = opts.chainId;
  let epochParams: EpochParams | undefined;
  const given = [opts.genesisTime, opts.epochSeconds, opts.graceSeconds];
  if (given.every((v) => v !== undefined))
    epochParams = {
      genesisTime: BigInt(opts.genesisTime!),
      epochSeconds: BigInt(opts.epochSeconds!),
      graceSeconds: BigInt(opts.graceSeconds!),
    };
  else if (given.some((v) => v !== undefined))
    return usage("Give all of --genesis-time, --epoch-seconds and --grace-seconds, or none (and --rpc-url).");
  if (opts.rpcUrl) {
    try {
      const chain = await readChainEpochParams(opts.rpcUrl, opts.distributor as Address);
      if (chainId !== undefined && chainId !== chain.chainId)
        return usage(`--chain-id ${chainId} but ${opts.rpcUrl} serves chain ${chain.chainId}.`);
      chainId = chain.chainId;
      epochParams ??= chain.epochParams;
    } catch (error) {
      deps.stderr.write(`error: ${(error as Error).message}\n`);
      return 3;
    }
  }
  if (chainId === undefined) return usage("Give --chain-id or --rpc-url.");
  if (!epochParams) return usage("Give --rpc-url, or --genesis-time, --epoch-seconds and --grace-seconds.");

  const progress = opts.progress;
  try {
    await fetch(new URL("v1/receipts", opts.aggregator.endsWith("/") ? opts.aggregator : `${opts.aggregator}/`), {
      method: "GET",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (
      error instanceof TypeError &&
      /Invalid URL/i.test(String((error as { cause?: unknown }).cause ?? error.message))
    )
      return usage("--aggregator is not a URL.");
    deps.stderr.write(`error: the aggregator at ${opts.aggregator} does not answer (${(error as Error).message}).\n`);
    return 3;
  }
  const started = Date.now();
  let sim;
  try {
    sim = await createSimulation({
      aggregatorUrl: opts.aggregator,
      domain: { chainId, verifyingContract: opts.distributor as Address },
      poolId: opts.pool as Hex,
      ticketSignerKey: key as Hex,
      epochParams,
      seed: opts.seed,
      viewers: opts.viewers,
      relays: opts.relays,
      ...(relayAccounts ? { relayAccounts } : {}),
      attachPerViewer: opts.attach,
      bitrateKbps: opts.bitrateKbps,
      chunkBytes: opts.chunkBytes,
      segmentSeconds: opts.segmentSeconds,
      churn: { viewersPerMinute: opts.churn, relaysPerMinute: opts.relayChurn },
      loss: opts.loss,
      late: opts.late,
      cheat: { relays: opts.cheat, rate: opts.cheatRate, ...(modes ? { modes } : {}) },
      mode: opts.fast ? "fast" : "realtime",
      ...(opts.startAt !== undefined ? { startAt: opts.startAt } : {}),
      signer: opts.signer,
      maxLagMs: opts.maxLagMs,
      ...(opts.workDir ? { workDir: opts.workDir } : {}),
      ...(progress
        ? {
            onProgress: (p: SimulationProgress) => deps.stderr.write(`${formatProgress(p, started)}\n`),
            progressIntervalMs: opts.fast ? 10_000 : 1000,
          }
        : {}),
    });
  } catch (error) {
    if (error instanceof SimulatorError) return usage(error.shortMessage);
    throw error;
  }
  deps.onInterrupt?.(() => sim.stop());
  if (progress)
    deps.stderr.write(
      `simulating ${opts.viewers} viewers, ${opts.relays} relays (${opts.cheat} cheating) in ` +
        `${opts.fast ? "fast" : "realtime"} mode; relay stores in ${sim.workDir}\n`,
    );
  let summary: SimulationSummary;
  try {
    summary = await sim.run(
      opts.seconds !== undefined
        ? { seconds: opts.seconds }
        : opts.epochs !== undefined
          ? { epochs: opts.epochs }
          : { until: opts.until! },
    );
  } finally {
    await sim.close();
  }
  deps.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  return opts.check && !summary.checks.ok ? 1 : 0;
}

function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("Not an integer.");
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("Not a number.");
  return n;
}

function formatProgress(p: SimulationProgress, started: number): string {
  const t = new Date(p.at).toISOString().slice(11, 19);
  return (
    `[${((Date.now() - started) / 1000).toFixed(1)}s] sim ${t} epoch ${p.epoch}: ${p.activeViewers} viewers, ` +
    `${p.onlineRelays} relays online, ` +
    `${p.receipts} receipts (${p.lost} lost, ${p.late} late, ${p.forged} forged), aggregator: ${p.accepted} ` +
    `accepted, ${p.rejected} rejected, ${p.pending} pending${p.lagMs > 500 ? `, ${p.lagMs} ms behind` : ""}`
  );
}

function formatSummary(s: SimulationSummary): string {
  const mb = (b: number) => (b / 1e6).toFixed(2);
  const lines = [
    `seed ${s.seed}, ${s.mode} mode, epochs ${s.time.epochs.join(", ")}, ${s.time.wallMs} ms`,
    `deliveries ${s.totals.deliveries}: ${s.totals.received} received (${mb(s.totals.receivedBytes)} MB), ` +
      `${s.totals.lost} lost, ${s.totals.late} late, ${s.totals.unserved} unserved` +
      (s.totals.skippedSlots > 0
        ? `; ${s.totals.skippedSlots} chunk slots skipped (the machine fell behind; worst ${s.time.maxLagMs} ms)`
        : ""),
    `aggregator: ${s.totals.accepted} accepted (${mb(s.totals.acceptedBytes)} MB), ${s.totals.rejected} rejected ` +
      `${JSON.stringify(s.totals.rejectedByCode)}, ${s.totals.pending} pending, ${s.totals.failed} failed`,
    `forged claims: ${s.totals.forged.submitted} submitted, ${s.totals.forged.accepted} accepted, ` +
      `${s.totals.forged.alreadyAccepted} answered already_accepted, ${s.totals.forged.rejected} rejected`,
    "",
    "relay                                       cheat  sent  lost  late  expected MB  accepted MB  rejected  " +
      "forged(refused)",
  ];
  for (const r of s.relays)
    lines.push(
      `${r.address}  ${r.cheater ? "yes  " : "no   "} ${String(r.sent.chunks).padStart(5)} ` +
        `${String(r.lost.chunks).padStart(5)} ${String(r.late.receipts).padStart(5)}` +
        `  ${mb(r.expected.bytes).padStart(11)}  ${mb(r.receipts.acceptedBytes).padStart(11)}  ` +
        `${String(r.receipts.rejected).padStart(8)}` +
        `  ${r.cheater ? `${r.forged.submitted}(${r.forged.rejected})` : "-"}`,
    );
  lines.push("", `checks: ${s.checks.ok ? "ok" : "FAILED"}`, ...s.checks.problems.map((p) => `  - ${p}`), "");
  return lines.join("\n");
}
