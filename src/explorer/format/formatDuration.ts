/** Seconds as "1h 2m", "4m 57s", "12s"; negative counts as zero. */
export function formatDuration(seconds: bigint | number): string {
  let s = Math.max(0, Math.floor(Number(seconds)));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : "", s || (!d && !h && !m) ? `${s}s` : ""];
  return parts.filter(Boolean).slice(0, 2).join(" ");
}
