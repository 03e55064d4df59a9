/**
 * Stand-in for `ftfy.fix_text` (ftfy 6.3.1, the version `pip install ftfy` gives CLIP today): a port
 * of its default pipeline with one step left out, `fix_encoding` — the mojibake detector/repairer
 * (with its sub-steps restore_byte_a0, replace_lossy_sequences, decode_inconsistent_utf8), which is a
 * statistical heuristic over a large character-class table. So this equals
 * `ftfy.fix_text(text, fix_encoding=False)`: text that is not mojibake comes out as ftfy gives it
 * (curly quotes, ligatures, fullwidth forms, entities, control characters, NFC — all as ftfy does);
 * mojibake such as `cafÃ©` stays as it is instead of becoming `café`.
 *
 * Steps, per line (ftfy splits after each `\n`), repeated until the line stops changing:
 * unescape_html (only while no `<` has been seen in this or an earlier line), fix_c1_controls,
 * fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks, fix_surrogates,
 * remove_terminal_escapes, remove_control_chars, NFC.
 */
import { HTML5_ENTITY_PAIRS } from './html5-entities.js';
import { INVALID_CHARREFS, htmlUnescape } from './html-unescape.js';

/** ftfy's `max_decode_length`: longest segment (in code points) fixed at once. */
const MAX_DECODE_LENGTH = 1_000_000;

/**
 * ftfy's HTML_ENTITIES: every `name;` of the HTML5 table, plus an upper-cased `&NAME;` for each
 * all-lower-case name whose upper-case form `html.unescape` leaves alone (so `&EACUTE;` → `É`).
 */
function buildFtfyEntities(): Map<string, string> {
  const entities = new Map<string, string>();
  for (const [name, char] of HTML5_ENTITY_PAIRS) {
    if (!name.endsWith(';')) continue;
    entities.set('&' + name, char);
    if (name === name.toLowerCase()) {
      const upper = '&' + name.toUpperCase();
      if (htmlUnescape(upper) === upper) entities.set(upper, char.toUpperCase());
    }
  }
  return entities;
}
const FTFY_ENTITIES = buildFtfyEntities();
const FTFY_ENTITY_RE = /&#?[0-9A-Za-z]{1,24};/g;

/** ftfy's own `unescape_html`: only `;`-terminated references, never the legacy bare forms. */
export function ftfyUnescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(FTFY_ENTITY_RE, (entity) => {
    const known = FTFY_ENTITIES.get(entity);
    if (known !== undefined) return known;
    if (entity.startsWith('&#')) {
      const unescaped = htmlUnescape(entity);
      // A partial decode (e.g. `&#12x;`) leaves the `;` behind; ftfy keeps the original then.
      return unescaped.includes(';') ? entity : unescaped;
    }
    return entity;
  });
}

/** C1 controls read as Windows-1252 (ftfy's "sloppy" codec keeps the five undefined bytes). */
const C1_RE = /[\x80-\x9f]/g;
const fixC1Controls = (t: string): string => t.replace(C1_RE, (c) => INVALID_CHARREFS.get(c.charCodeAt(0))!);

const LIGATURES: Readonly<Record<string, string>> = {
  Ĳ: 'IJ',
  ĳ: 'ij',
  ŉ: 'ʼn',
  Ǳ: 'DZ',
  ǲ: 'Dz',
  ǳ: 'dz',
  Ǆ: 'DŽ',
  ǅ: 'Dž',
  ǆ: 'dž',
  Ǉ: 'LJ',
  ǈ: 'Lj',
  ǉ: 'lj',
  Ǌ: 'NJ',
  ǋ: 'Nj',
  ǌ: 'nj',
  ﬀ: 'ff',
  ﬁ: 'fi',
  ﬂ: 'fl',
  ﬃ: 'ffi',
  ﬄ: 'ffl',
  ﬅ: 'ſt',
  ﬆ: 'st',
};
const LIGATURE_RE = /[ĲĳŉǱǲǳǄǅǆǇǈǉǊǋǌﬀﬁﬂﬃﬄﬅﬆ]/g;
const fixLatinLigatures = (t: string): string => t.replace(LIGATURE_RE, (c) => LIGATURES[c]);

/** U+3000 → space, and U+FF01..U+FFEF → their NFKC form where that differs (ftfy's WIDTH_MAP). */
function buildWidthMap(): Map<string, string> {
  const map = new Map<string, string>([['\u3000', ' ']]);
  for (let cp = 0xff01; cp < 0xfff0; cp++) {
    const ch = String.fromCharCode(cp);
    const alt = ch.normalize('NFKC');
    if (alt !== ch) map.set(ch, alt);
  }
  return map;
}
const WIDTH_MAP = buildWidthMap();
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;
const fixCharacterWidth = (t: string): string => t.replace(WIDTH_RE, (c) => WIDTH_MAP.get(c) ?? c);

const uncurlQuotes = (t: string): string => t.replace(/[\u201c-\u201f]/g, '"').replace(/[\u02bc\u2018-\u201b]/g, "'");

const fixLineBreaks = (t: string): string =>
  t
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(/\u2028/g, '\n')
    .replace(/\u2029/g, '\n')
    .replace(/\u0085/g, '\n');

// A JS string cannot hold a surrogate pair as two separate code points (Python's can), so only the
// unpaired halves are left to replace.
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const fixSurrogates = (t: string): string => t.replace(LONE_SURROGATE_RE, '\ufffd');

// Python's `re` `\d` is any Unicode decimal digit (Nd).
// eslint-disable-next-line no-control-regex -- terminal escapes and C0 controls are what it removes
const ANSI_RE = /\x1b\[(?:\p{Nd}|;)*[a-zA-Z]/gu;
const removeTerminalEscapes = (t: string): string => t.replace(ANSI_RE, '');

// eslint-disable-next-line no-control-regex -- terminal escapes and C0 controls are what it removes
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;
const removeControlChars = (t: string): string => t.replace(CONTROL_RE, '');

function fixSegment(segment: string, unescapeHtml: boolean): string {
  let text = segment;
  for (;;) {
    const orig = text;
    if (unescapeHtml) text = ftfyUnescapeHtml(text);
    text = fixC1Controls(text);
    text = fixLatinLigatures(text);
    text = fixCharacterWidth(text);
    text = uncurlQuotes(text);
    text = fixLineBreaks(text);
    text = fixSurrogates(text);
    text = removeTerminalEscapes(text);
    text = removeControlChars(text);
    text = text.normalize('NFC');
    if (text === orig) return text;
  }
}

/** Index after `n` code points from `pos` (a pair counts once, as in Python). */
function advanceCodePoints(s: string, pos: number, n: number): number {
  let i = pos;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

// Printable ASCII except `&`, plus tab and LF: no step above changes such text.
const UNTOUCHED_RE = /^[\t\n\x20-\x25\x27-\x7e]*$/;

/** `ftfy.fix_text(text, fix_encoding=False)`; see the file comment. */
export function fixText(text: string): string {
  if (UNTOUCHED_RE.test(text)) return text;
  const out: string[] = [];
  let unescapeHtml = true; // ftfy's "auto": switched off for good once a segment contains '<'
  let pos = 0;
  while (pos < text.length) {
    let textbreak = text.indexOf('\n', pos) + 1;
    if (textbreak === 0) textbreak = text.length;
    if (textbreak - pos > MAX_DECODE_LENGTH) textbreak = Math.min(textbreak, advanceCodePoints(text, pos, MAX_DECODE_LENGTH));
    const segment = text.slice(pos, textbreak);
    if (unescapeHtml && segment.includes('<')) unescapeHtml = false;
    out.push(fixSegment(segment, unescapeHtml));
    pos = textbreak;
  }
  return out.join('');
}
