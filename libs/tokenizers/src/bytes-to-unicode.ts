/**
 * GPT-2/CLIP `bytes_to_unicode`: each byte gets a printable character so BPE never sees whitespace or
 * control characters. Printable Latin-1 bytes (`!`..`~`, `¡`..`¬`, `®`..`ÿ`) map to themselves; the
 * other 68 bytes map to U+0100.. in byte order. The table order is also vocabulary ids 0..255.
 */
function build(): { bytes: number[]; chars: string[] } {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return { bytes: bs, chars: cs.map((c) => String.fromCharCode(c)) };
}

const table = build();

/** The 256 byte characters in vocabulary order (ids 0..255; +256 for the `</w>` forms). */
export const BYTE_CHARS_IN_ORDER: readonly string[] = table.chars;

/** byte → its character. */
export const BYTE_ENCODER: readonly string[] = (() => {
  const enc = new Array<string>(256);
  table.bytes.forEach((b, i) => (enc[b] = table.chars[i]));
  return enc;
})();

/** character → byte. */
export const BYTE_DECODER: ReadonlyMap<string, number> = new Map(table.bytes.map((b, i) => [table.chars[i], b]));
