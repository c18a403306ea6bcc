/** "0x5fbdb2…000001": enough of a hash or address to tell them apart; the full value goes in the title. */
export function shortHex(hex: string, head = 6, tail = 6): string {
  return hex.length <= 2 + head + tail + 1 ? hex : `${hex.slice(0, 2 + head)}…${hex.slice(-tail)}`;
}
