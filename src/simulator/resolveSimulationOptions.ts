import { isHexOfLength } from "../protocol/utils/bytes.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import type { ResolvedSimulationOptions } from "./SimulationState.ts";
import { cheatModes, type SimulationOptions } from "./types.ts";

/** Applies the defaults of SimulationOptions and checks every value (INVALID_OPTION with a sentence). */
export function resolveSimulationOptions(options: SimulationOptions): ResolvedSimulationOptions {
  const bad = (message: string): never => {
    throw new SimulatorError("INVALID_OPTION", message);
  };
  /** `value` (or `fallback`) when it is a whole number (`integer`) or a finite number in [min, max]. */
  const inRange = (
    integer: boolean,
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const v = value ?? fallback;
    const ok = integer ? Number.isSafeInteger(v) : typeof v === "number" && Number.isFinite(v);
    if (!ok || v < min || v > max) bad(`${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}.`);
    return v;
  };
  const int = (name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
    inRange(true, name, value, fallback, min, max);
  const num = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max = Number.POSITIVE_INFINITY,
  ) => inRange(false, name, value, fallback, min, max);
  if (typeof options.aggregatorUrl !== "string" || !/^https?:\/\//.test(options.aggregatorUrl))
    bad("aggregatorUrl must be an http(s) URL.");
  if (!options.domain || !isHexOfLength(options.domain.verifyingContract, 20))
    bad("domain.verifyingContract must be an address.");
  if (!isHexOfLength(options.poolId, 32)) bad("poolId must be 32 bytes of 0x-hex.");
  if (!isHexOfLength(options.ticketSignerKey, 32)) bad("ticketSignerKey must be a 32-byte 0x secret key.");
  if (options.streamId !== undefined && !isHexOfLength(options.streamId, 32))
    bad("streamId must be 32 bytes of 0x-hex.");
  const ep = options.epochParams;
  if (
    !ep ||
    typeof ep.genesisTime !== "bigint" ||
    typeof ep.epochSeconds !== "bigint" ||
    typeof ep.graceSeconds !== "bigint" ||
    ep.epochSeconds <= 0n
  )
    bad("epochParams must be { genesisTime, epochSeconds > 0, graceSeconds } as bigints (seconds).");
  const relays = int("relays", options.relays, 40, 1, 10_000);
  const bitrateKbps = num("bitrateKbps", options.bitrateKbps, 1000, 0.001);
  const segmentSeconds = num("segmentSeconds", options.segmentSeconds, 2, 0.001);
  const ticketValidForMs = int("ticket.validForMs", options.ticket?.validForMs, 600_000, 1000);
  const defaultMaxBytes =
    BigInt(Math.ceil(((bitrateKbps * 1000) / 8) * (ticketValidForMs / 1000) * 2)) +
    BigInt(options.chunkBytes ?? 65_536);
  const ticketMaxBytes = BigInt(options.ticket?.maxBytes ?? defaultMaxBytes);
  if (ticketMaxBytes < BigInt(options.chunkBytes ?? 65_536) || ticketMaxBytes > BigInt(Number.MAX_SAFE_INTEGER))
    bad("ticket.maxBytes must be from chunkBytes (a ticket must cover at least one chunk) to 2^53 − 1.");
  const cheatRelays = int("cheat.relays", options.cheat?.relays, 0, 0, relays);
  const modes = options.cheat?.modes ?? [...cheatModes];
  if (!Array.isArray(modes) || modes.length === 0 || modes.some((m) => !cheatModes.includes(m)))
    bad(`cheat.modes must be a non-empty list of ${cheatModes.join(", ")}.`);
  const mode = options.mode ?? "realtime";
  if (mode !== "realtime" && mode !== "fast") bad('mode must be "realtime" or "fast".');
  const signer = options.signer ?? "receiver";
  if (signer !== "receiver" && signer !== "native") bad('signer must be "receiver" or "native".');
  const transport = options.transport ?? "relay-sdk";
  if (transport !== "relay-sdk" && transport !== "direct") bad('transport must be "relay-sdk" or "direct".');
  const maxBatch = options.relayOptions?.maxBatchReceipts ?? 1000;
  return {
    seed: options.seed ?? 1,
    viewers: int("viewers", options.viewers, 200, 0, 1_000_000),
    relays,
    attachPerViewer: int("attachPerViewer", options.attachPerViewer, 2, 1, relays),
    bitrateKbps,
    chunkBytes: int("chunkBytes", options.chunkBytes, 65_536, 1, 0xffff_ffff),
    segmentSeconds,
    churn: {
      viewersPerMinute: num("churn.viewersPerMinute", options.churn?.viewersPerMinute, 0, 0),
      viewerRejoinSeconds: num("churn.viewerRejoinSeconds", options.churn?.viewerRejoinSeconds, 2, 0),
      relaysPerMinute: num("churn.relaysPerMinute", options.churn?.relaysPerMinute, 0, 0),
      relayOfflineSeconds: num("churn.relayOfflineSeconds", options.churn?.relayOfflineSeconds, 5, 0),
      minOnlineRelays: int("churn.minOnlineRelays", options.churn?.minOnlineRelays, 1, 0, relays),
    },
    loss: num("loss", options.loss, 0, 0, 1),
    late: num("late", options.late, 0, 0, 1),
    lateMarginMs: int("lateMarginMs", options.lateMarginMs, 1000, 0),
    cheat: {
      relays: cheatRelays,
      rate: num("cheat.rate", options.cheat?.rate, 0.05, 0, 1),
      modes,
      deliver: options.cheat?.deliver ?? true,
    },
    ticketValidForMs,
    ticketMaxBytes,
    mode,
    startAt: options.startAt === undefined ? undefined : num("startAt", options.startAt, 0, 0),
    signer,
    transport,
    relayOptions: options.relayOptions ?? {},
    relayIntervalMs: options.relayOptions?.intervalMs ?? 1000,
    flushEvery: maxBatch,
    cheatBatch: Math.min(1000, maxBatch),
    progressIntervalMs: int("progressIntervalMs", options.progressIntervalMs, 1000, 1),
    maxLagMs: int("maxLagMs", options.maxLagMs, 1000, 0),
  };
}
