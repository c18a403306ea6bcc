/** The `end` line, ending in "\n": the counts again, so that a truncated download fails. */
export function endLine(receiptCount: number, leafCount: number): string {
  return `{"type":"end","receiptCount":${receiptCount},"leafCount":${leafCount}}\n`;
}
