const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

/** A byte count in decimal units, as the CLI shows it: 60000000n → "60 MB", 1536000n → "1.54 MB". */
export function formatBytes(bytes: bigint | number): string {
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown =
    unit === 0 ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2).replace(/\.?0+$/, "");
  return `${shown} ${UNITS[unit]}`;
}
