import type { CommandContext } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";

export type JsonResponse = { status: number; body: unknown };

/**
 * A JSON request to a meshpay service (aggregator, verifier). SERVICE_UNREACHABLE (exit 3) when it does not answer,
 * SERVICE_REFUSED (exit 4) for a 4xx other than those in `accept`, SERVICE_ERROR for a 5xx; the service's
 * `{ code, message }` error body (docs/api.md) is carried in the message and `data`.
 */
export async function requestJson(
  ctx: CommandContext,
  service: string,
  url: string,
  init: { method?: "GET" | "POST"; body?: unknown; timeoutMs?: number; accept?: number[] } = {},
): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await ctx.deps.fetch(url, {
      method: init.method ?? "GET",
      headers:
        init.body === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    throw new CliError(
      "SERVICE_UNREACHABLE",
      `The ${service} at ${new URL(url).origin} does not answer ` +
        `(${(cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message}).`,
      {
        cause,
      },
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok || init.accept?.includes(response.status)) return { status: response.status, body };
  const err = body as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === "string" ? err.code : `HTTP_${response.status}`;
  const message = typeof err?.message === "string" ? err.message : text.slice(0, 200) || response.statusText;
  throw new CliError(
    response.status >= 500 ? "SERVICE_ERROR" : "SERVICE_REFUSED",
    `The ${service} answered ${response.status} ${code}: ${message}`,
    { data: { status: response.status, code, message } },
  );
}
