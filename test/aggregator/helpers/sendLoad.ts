// Sends pre-signed batches (presignBatches.ts) to aggregator processes over real HTTP. No tests here.
import { Agent, request } from "node:http";
import type { Hex } from "../../../src/protocol/types.ts";
import type { PresignedBatch } from "./presignBatches.ts";

/** The final answer to one batch: the status of its last attempt, and what a 200 acknowledged. */
export type BatchOutcome = {
  key: string;
  /** The HTTP status of the last attempt, or "error" when it got no answer (connection refused, reset). */
  status: number | "error";
  /** The target (base URL) that gave the final answer. */
  target: string;
  attempts: number;
  /** Receipts the 200 answer reported accepted now. */
  accepted: number;
  /** Receipt ids the 200 answer reported `accepted` or `already_accepted`: stored, the aggregator's promise. */
  acknowledged: Hex[];
  /** The answer's body (empty for "error"). */
  body: string;
};

export type LoadResult = {
  outcomes: BatchOutcome[];
  /** Receipts accepted (200 answers' `accepted`), summed. */
  accepted: number;
  /** From the first request to the last answer (ms). */
  elapsedMs: number;
};

export type LoadOptions = {
  /** Base URLs of the aggregator processes, all on 127.0.0.1 (http://127.0.0.1:<port>). */
  targets: readonly string[];
  batches: Iterable<PresignedBatch>;
  /** Requests in flight per target, each on its own kept-alive connection. */
  connectionsPerTarget?: number;
  /** No batch is started after this long (ms); the ones in flight finish. */
  durationMs?: number;
  /**
   * A batch whose attempt gets no answer, a 503 or a 429 is sent again (the same key and body, as a relay retries),
   * to the next target, up to this many attempts in all, `retryDelayMs` apart. Default 1: no retry.
   */
  attempts?: number;
  retryDelayMs?: number;
  /** Keep each answer's body and acknowledged ids (false: count only, the cheapest for benchmarks). */
  keepAnswers?: boolean;
  /** Called with each batch's outcome as it is known. */
  onOutcome?: (outcome: BatchOutcome) => void;
};

/**
 * Sends `batches` with their Idempotency-Keys, `connectionsPerTarget` requests in flight per target, until the
 * batches run out or `durationMs` passes, and returns every batch's outcome. Bounded in count (the iterable) and time;
 * it refuses any target not on 127.0.0.1, so a test or benchmark never loads another machine.
 */
export async function sendLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.targets.length === 0) throw new Error("sendLoad: no targets");
  for (const target of options.targets)
    if (new URL(target).hostname !== "127.0.0.1") throw new Error(`sendLoad sends only to 127.0.0.1, not ${target}`);
  const perTarget = options.connectionsPerTarget ?? 2;
  const attempts = options.attempts ?? 1;
  const keepAnswers = options.keepAnswers ?? true;
  const agents = options.targets.map(() => new Agent({ keepAlive: true, maxSockets: perTarget }));
  const iterator = options.batches[Symbol.iterator]();
  const outcomes: BatchOutcome[] = [];
  let accepted = 0;
  const start = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : start + options.durationMs;

  const next = (): PresignedBatch | undefined => {
    if (performance.now() >= deadline) return undefined;
    const n = iterator.next();
    return n.done ? undefined : n.value;
  };

  const send = async (batch: PresignedBatch, first: number): Promise<BatchOutcome> => {
    let last: BatchOutcome | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const t = (first + attempt) % options.targets.length;
      const target = options.targets[t]!;
      const answer = await post(agents[t]!, target, batch).catch(() => undefined);
      last = {
        key: batch.key,
        status: answer?.status ?? "error",
        target,
        attempts: attempt + 1,
        accepted: 0,
        acknowledged: [],
        body: "",
      };
      if (answer) {
        if (keepAnswers) last.body = answer.body;
        if (answer.status === 200) {
          if (keepAnswers) {
            const parsed = JSON.parse(answer.body) as {
              accepted: number;
              results: { receiptId: Hex; status: string }[];
            };
            last.accepted = parsed.accepted;
            last.acknowledged = parsed.results
              .filter((r) => r.status === "accepted" || r.status === "already_accepted")
              .map((r) => r.receiptId);
          } else last.accepted = Number(/"accepted":(\d+)/.exec(answer.body)?.[1] ?? 0);
          return last;
        }
        if (answer.status !== 503 && answer.status !== 429) return last;
      }
      if (attempt + 1 < attempts) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 200));
    }
    return last!;
  };

  // Lane i sends to target i mod targets (its retries to the next ones): a faster target takes more batches.
  const lane = async (_: unknown, i: number) => {
    for (let batch = next(); batch !== undefined; batch = next()) {
      const outcome = await send(batch, i % options.targets.length);
      accepted += outcome.accepted;
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: perTarget * options.targets.length }, lane));
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return { outcomes, accepted, elapsedMs: performance.now() - start };
}

/** One POST /v1/receipts; resolves with the status and body text, rejects when no answer comes. */
function post(agent: Agent, target: string, batch: PresignedBatch): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${target}/v1/receipts`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": batch.body.length,
          "idempotency-key": batch.key,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(batch.body);
  });
}
