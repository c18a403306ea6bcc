/** Bytewise order of two 0x-hex strings of the same length (any letter case): negative, 0 or positive. */
export function compareHex(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
