/**
 * The few facts Assay records about an embedded ICC profile (ICC.1:2010 / ICC.1:2001-04 for v2): whether it
 * is well formed, the colour space it is for, and its description. Only the header, the tag table and the
 * `desc` tag are read; libvips (LittleCMS) does the conversion itself.
 */
export interface IccProfileFacts {
  /** the `desc` tag: a v2 textDescriptionType or a v4 multiLocalizedUnicodeType (first record) */
  description?: string;
  /** the data colour space signature, trimmed: `RGB`, `GRAY`, `CMYK`, … */
  colourSpace: string;
}

const text = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));

/** Facts about a profile, or undefined when it is not a well-formed ICC profile (libvips cannot use it either). */
export function readIccProfile(icc: Uint8Array): IccProfileFacts | undefined {
  if (icc.byteLength < 132) return undefined;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  if (view.getUint32(0) !== icc.byteLength || text(icc, 36, 4) !== 'acsp') return undefined;
  const tags = view.getUint32(128);
  if (132 + tags * 12 > icc.byteLength) return undefined;
  const facts: IccProfileFacts = { colourSpace: text(icc, 16, 4).trim() };
  for (let i = 0; i < tags; i++) {
    const entry = 132 + i * 12;
    const [offset, size] = [view.getUint32(entry + 4), view.getUint32(entry + 8)];
    if (offset + size > icc.byteLength) return undefined;
    if (text(icc, entry, 4) === 'desc') facts.description = description(icc.subarray(offset, offset + size));
  }
  return facts;
}

function description(tag: Uint8Array): string | undefined {
  const view = new DataView(tag.buffer, tag.byteOffset, tag.byteLength);
  const type = text(tag, 0, 4);
  if (type === 'desc' && tag.byteLength >= 12) {
    // ASCII count includes the terminating NUL
    const count = view.getUint32(8);
    return text(tag, 12, Math.max(0, Math.min(count, tag.byteLength - 12) - 1)).trim() || undefined;
  }
  if (type === 'mluc' && tag.byteLength >= 28 && view.getUint32(8) > 0) {
    const [length, offset] = [view.getUint32(20), view.getUint32(24)];
    if (offset + length > tag.byteLength) return undefined;
    const units = Array.from({ length: length >> 1 }, (_, i) => view.getUint16(offset + 2 * i));
    return String.fromCharCode(...units).trim() || undefined;
  }
  return undefined;
}
