/** Signatures of the formats raters are shown; anything else is sent as opaque bytes. */
const SIGNATURES: { type: string; test: (b: Uint8Array, ascii: (from: number, to: number) => string) => boolean }[] = [
  { type: 'image/png', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (_, s) => s(0, 4) === 'GIF8' },
  { type: 'image/webp', test: (_, s) => s(0, 4) === 'RIFF' && s(8, 12) === 'WEBP' },
  { type: 'audio/wav', test: (_, s) => s(0, 4) === 'RIFF' && s(8, 12) === 'WAVE' },
  { type: 'video/mp4', test: (_, s) => s(4, 8) === 'ftyp' },
  { type: 'video/webm', test: (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3 },
  { type: 'audio/ogg', test: (_, s) => s(0, 4) === 'OggS' },
  { type: 'audio/flac', test: (_, s) => s(0, 4) === 'fLaC' },
  { type: 'audio/mpeg', test: (b, s) => s(0, 3) === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0) },
];

/**
 * The content type of an asset's bytes from its first bytes: the store's own metadata is whatever the
 * uploader claimed, and the page's players need the truth (the server also sends `nosniff`).
 */
export function sniffContentType(bytes: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  return SIGNATURES.find((s) => bytes.length >= 12 && s.test(bytes, ascii))?.type ?? 'application/octet-stream';
}
