/** One JSON object per line, each line ending in a newline (so files concatenate and `wc -l` counts rows). */
export function toJsonl(rows: readonly object[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
