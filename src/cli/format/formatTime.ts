/** A unix time in seconds as "2026-11-22 01:40:00 UTC". */
export function formatTimestamp(seconds: bigint | number): string {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${seconds} (unix seconds)`;
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A duration in seconds as "1d 2h 3m 4s" (largest units first, zero parts left out; "0s" for zero). */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  if (rest < 0n) rest = -rest;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["m", 60n],
    ["s", 1n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}

/** "in 5m 10s" or "5m 10s ago" relative to `now` (both unix seconds). */
export function formatRelative(seconds: bigint, now: bigint): string {
  return seconds >= now ? `in ${formatDuration(seconds - now)}` : `${formatDuration(now - seconds)} ago`;
}
