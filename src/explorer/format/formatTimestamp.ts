/** Unix seconds as "2026-11-22 02:20:30 UTC" (the CLI's form). */
export function formatTimestamp(seconds: bigint | number): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
