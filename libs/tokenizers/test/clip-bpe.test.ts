/**
 * CLIP BPE tokenizer: published reference ids, then parity with a Python transcription of openai/CLIP's
 * simple_tokenizer.py (test/parity/clip_tokenizer_reference.py, run with Debian's python3 + python3-regex)
 * on inputs chosen to hit every cleaning and pre-tokenizing rule.
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipBpeTokenizer, attentionMask, htmlUnescape, ftfyUnescapeHtml, toInt64 } from '@assay/tokenizers';

// Paths relative to the repo root, where vitest runs.
const VOCAB = '../shared/models/clip-bpe/bpe_simple_vocab_16e6.txt.gz';
const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const REFERENCE = 'test/parity/clip_tokenizer_reference.py';
const SOT = 49406;
const EOT = 49407;

interface PyEncoded {
  clean: string;
  ids: number[];
  decoded: string;
  tokenized: number[];
  length: number;
  truncated: boolean;
}
interface PyResult {
  python: string;
  regex: string;
  unicodedata: string;
  encoded: PyEncoded[];
  unescaped: string[];
  /** [input, html.unescape(input)] for every HTML5 name, bare, suffixed, upper-cased and cut short */
  nameCases: Array<[string, string]>;
  html5Names: string[];
  ftfyEntities: Record<string, string>;
}

/** Runs the Python reference asynchronously (a blocking call would stall vitest's worker RPC). */
function runReference(request: object): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [REFERENCE], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        reject(new Error(`${PYTHON} ${REFERENCE} exited ${code} (needs Debian's python3-regex):\n${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as PyResult);
    });
    child.stdin.end(JSON.stringify(request));
  });
}

let tok: ClipBpeTokenizer;
beforeAll(async () => {
  tok = await ClipBpeTokenizer.load(VOCAB);
});

const row = (ids: number[], n = 77): number[] => [...ids, ...new Array<number>(n - ids.length).fill(0)];

/** Published ids (SOURCE.md). */
const FIXTURES: Array<[string, number[]]> = [
  // apple/ml-stable-diffusion testBPETokenizer fixture
  ['a photo of an astronaut riding a horse on mars', [49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407]],
  [
    'Apple CoreML developer tools on a Macbook Air are fast',
    [49406, 3055, 19622, 5780, 10929, 5771, 525, 320, 20617, 1922, 631, 1953, 49407],
  ],
  // computed with openai/CLIP's own simple_tokenizer.py
  ['a diagram', [49406, 320, 22697, 49407]],
  ['a dog', [49406, 320, 1929, 49407]],
  ['a cat', [49406, 320, 2368, 49407]],
  ['a photo of a cat', [49406, 320, 1125, 539, 320, 2368, 49407]],
  ['A Photo of a TREE!', [49406, 320, 1125, 539, 320, 2677, 256, 49407]],
];

describe('reference ids from SOURCE.md', () => {
  it.each(FIXTURES)('%j', (text, expected) => {
    const t = tok.tokenize(text);
    expect(Array.from(t.ids)).toEqual(row(expected));
    expect(t.length).toBe(expected.length);
    expect(t.truncated).toBe(false);
    expect(tok.encode(text)).toEqual(expected.slice(1, -1));
  });

  it('decodes the Apple CoreML sentence into the published pieces', () => {
    const ids = tok.encode('Apple CoreML developer tools on a Macbook Air are fast');
    expect(ids.map((id) => tok.decode([id]))).toEqual([
      'apple ',
      'core',
      'ml ',
      'developer ',
      'tools ',
      'on ',
      'a ',
      'macbook ',
      'air ',
      'are ',
      'fast ',
    ]);
  });

  it('builds the 49408-token vocabulary and loads once per path', async () => {
    expect(tok.vocabSize).toBe(49408);
    expect([tok.sot, tok.eot]).toEqual([SOT, EOT]);
    expect(await ClipBpeTokenizer.load(VOCAB)).toBe(tok);
  });
});

describe('behaviour on edge cases (explicit expectations)', () => {
  it('tokenizes the empty prompt to [sot, eot, 0, …]', () => {
    for (const text of ['', '   \t\n ', '&nbsp;']) {
      const t = tok.tokenize(text);
      expect(Array.from(t.ids)).toEqual(row([SOT, EOT]));
      expect(t.length).toBe(2);
    }
  });

  it('truncates a long prompt like clip.tokenize(truncate=True) and flags it', () => {
    const text = Array.from({ length: 120 }, (_, i) => `word${i % 10 === 0 ? '' : 's'}`).join(' ');
    const t = tok.tokenize(text);
    const full = tok.encode(text);
    expect(full.length).toBeGreaterThan(75);
    expect(t.truncated).toBe(true);
    expect(t.length).toBe(77);
    expect(t.ids[0]).toBe(SOT);
    expect(Array.from(t.ids.slice(1, 76))).toEqual(full.slice(0, 75));
    expect(t.ids[76]).toBe(EOT);
    // exactly 75 tokens still fit untruncated
    const fits = tok.tokenize(
      full
        .slice(0, 75)
        .map((id) => tok.decode([id]))
        .join(''),
    );
    expect(fits.truncated).toBe(false);
    expect(fits.length).toBe(77);
  });

  it('splits digits into one token each', () => {
    const ids = tok.encode('2024');
    expect(ids).toHaveLength(4);
    expect(ids.map((id) => tok.decode([id]))).toEqual(['2 ', '0 ', '2 ', '4 ']);
    expect(ids[0]).toBe(ids[2]);
  });

  it('lower-cases before matching contractions', () => {
    expect(tok.encode("IT'S")).toEqual(tok.encode("it's"));
    expect(tok.encode("it's").map((id) => tok.decode([id]))).toEqual(['it ', "'s "]);
    expect(tok.encode('it\u2019s')).toEqual(tok.encode("it's")); // ftfy uncurls quotes
  });

  it('decodes HTML entities like ftfy + html.unescape ×2', () => {
    expect(tok.clean('fish &amp; chips')).toBe('fish & chips');
    expect(tok.clean('I &lt;3 NY')).toBe('i <3 ny');
    expect(tok.clean('caf&eacute;')).toBe('café');
    expect(tok.clean('&#x1F600;')).toBe('😀');
    expect(tok.clean('&amp;amp;lt;3')).toBe('<3');
    expect(tok.encode('caf&eacute;')).toEqual(tok.encode('café'));
  });

  it('treats composed and decomposed accents alike (NFC)', () => {
    expect(tok.encode('cafe\u0301 cre\u0300me')).toEqual(tok.encode('café crème'));
  });

  it('maps typed start/end markers to the special ids, as the reference cache does', () => {
    expect(tok.encode('<|startoftext|> hi <|endoftext|>')).toEqual([SOT, ...tok.encode('hi'), EOT]);
  });

  it('widens ids to int64 and batches rows', () => {
    const one = tok.tokenize('a cat');
    expect(Array.from(toInt64(one.ids).slice(0, 5))).toEqual([49406n, 320n, 2368n, 49407n, 0n]);
    expect(Array.from(attentionMask(one.length, 6))).toEqual([1, 1, 1, 1, 0, 0]);
    const batch = tok.tokenizeBatch(['a cat', 'a dog'], { contextLength: 8 });
    expect(batch.dims).toEqual([2, 8]);
    expect(Array.from(batch.ids)).toEqual([49406, 320, 2368, 49407, 0, 0, 0, 0, 49406, 320, 1929, 49407, 0, 0, 0, 0]);
    expect(Array.from(batch.lengths)).toEqual([4, 4]);
    expect(() => tok.tokenize('x', { contextLength: 1 })).toThrow(RangeError);
  });

  it('round-trips ASCII prompts: decode(encode(x)) is the cleaned text, one space per piece', () => {
    for (const text of ['a photo of a cat', 'Apple CoreML developer tools', '  A   RED\tcar  ']) {
      expect(tok.decode(tok.encode(text))).toBe(tok.clean(text) + ' ');
    }
    // pieces are rejoined with spaces, so punctuation comes back spaced: compare without spaces
    for (const text of ["it's 3.14, isn't it?!", 'e-mail: bob@example.com (42)', 'A Photo of a TREE!']) {
      expect(tok.decode(tok.encode(text)).replaceAll(' ', '')).toBe(tok.clean(text).replaceAll(' ', ''));
    }
  });
});

/** Inputs for the parity run; each exercises one rule of the reference. */
const TRICKY: string[] = [
  // emoji: plain, ZWJ families, skin tones, flags, keycaps, variation selectors
  'a cat 😀',
  'family 👩‍👩‍👧‍👦 at home',
  'thumbs up 👍🏽👍🏿',
  'rainbow flag 🏳️‍🌈',
  'keycap 1️⃣ #️⃣',
  'flags 🇫🇷🇯🇵',
  'heart ❤️ and ❤',
  // accents, composed and decomposed; ligatures; fullwidth and halfwidth forms
  'café',
  'cafe\u0301',
  'Ångström and A\u030angstro\u0308m',
  'naïve résumé crème brûlée',
  'ﬁne ﬂowers ﬃ',
  'Ĳsselmeer ǅemal',
  'ＬＯＵＤ　ＮＯＩＳＥＳ',
  'ｶﾞｷﾞ ﾊﾟﾝ',
  'ﬅ and ſ',
  // CJK and other scripts
  '一只猫坐在垫子上',
  '東京タワーの夜景、とても綺麗！',
  '한국어 문장입니다',
  'cat 猫 neko ねこ',
  'Привет, МИР',
  'مرحبا بالعالم',
  'नमस्ते दुनिया',
  'ΟΔΟΣ ΣΑΣ, σοφός',
  'Σ',
  'ΑΣ.Β',
  // case mappings
  'İstanbul',
  'STRASSE ẞ ß',
  'ǄUNGLA',
  'x\u0345y ᾼ', // CLIP's IGNORECASE pattern matches U+0345 nowhere: dropped
  // HTML entities, numeric references, legacy no-semicolon forms, double escaping, '<' switching ftfy off
  'fish &amp; chips',
  'I &lt;3 you',
  'caf&eacute; au lait',
  'smile &#x1F600; &#128512;',
  'double &amp;amp; escaped',
  'triple &amp;amp;amp;',
  '&amp;lt;3',
  '&ampfoo &notit; &notin; &copy2024',
  'P&EACUTE;REZ &NTILDE; &nTILDE; BUNDESSTRA&SZLIG;E',
  '<b>bold</b> &amp; &eacute; &amp;amp;',
  'first &amp; line\n<tag> &amp;amp; then',
  '&#0; &#1; &#9; &#128; &#x92;s &#xD800; &#99999999; &#x110000;',
  '&#65;&#x42;&#X43; &#00000068;',
  'it&rsquo;s &ldquo;quoted&rdquo; &hellip;',
  '&nbsp;padded&nbsp;',
  '&lt;|startoftext|&gt;',
  'it&amp;rsquo;s &amp;#x92;d',
  'four &amp;amp;amp;amp;', // ftfy repeats its fixes until the line is stable
  // contractions and case-insensitive literals
  "IT'S",
  "We'LL see, they'RE here, I'M sure you'VE, she'D, don'T",
  'it’s',
  "rock 'n' roll",
  "'sup",
  "it'ſ",
  "''''",
  // digits and numbers
  '2024',
  '3.14159',
  'v1.2.3-rc4',
  '٣٤٥ ۱۲۳ १२३',
  'Ⅻ ⅻ ½ ² ①',
  // punctuation runs
  '!!!???...',
  '--==>> <<==--',
  'a.b,c;d:e',
  '¡hola! ¿qué?',
  '(((parens))) [[x]] {{y}}',
  '#hashtag @mention $100 50% a&b',
  '…—–•',
  // whitespace and control characters
  'a\tb\nc',
  '  leading and trailing  ',
  'nbsp\u00a0here',
  '\u3000ideographic\u3000space',
  'line\r\nbreak\rcr',
  'sep\u2028line\u2029para',
  'zero\u200bwidth joiner\u200d',
  'bom\ufeffmid',
  'nel\u0085char',
  'ctrl\x01\x1f\x7fchars',
  '\x1b[31mred\x1b[0m text',
  'c1 \x80 \x92 \x9d',
  'fs\x1cgs\x1dus',
  'thin\u2009space\u202fnarrow',
  'tab\u000bvt\u000cff',
  // typed special tokens
  '<|startoftext|> hi <|endoftext|>',
  '<|STARTOFTEXT|>',
  '<|ſtartoftext|>',
  // a lone surrogate (ftfy → U+FFFD)
  'half \ud83d pair',
  // long prompts: exactly at, and well over, the context
  'a '.repeat(75).trim(),
  'a '.repeat(76).trim(),
  'an extremely detailed photograph of '.repeat(20),
  // empty and blank
  '',
  '   ',
  '\n\t',
];

/** Deterministic random strings built from fragments that interact (entities, quotes, case, marks, breaks). */
function fuzzInputs(count: number): string[] {
  const frags = [
    '&',
    '#',
    ';',
    'x',
    'X',
    'amp',
    'lt',
    'eacute',
    'EACUTE',
    'not',
    'in',
    'nbsp',
    'rsquo',
    '1',
    '0',
    '9',
    'F',
    '00',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '<',
    '>',
    "'",
    's',
    'S',
    'T',
    'll',
    're',
    'VE',
    'd',
    'M',
    '\u2019',
    '\u201c',
    '\x85',
    '\x92',
    '\x1b[1m',
    'e\u0301',
    '\u0301',
    'ﬁ',
    'Ａ',
    'ｶﾞ',
    '\u3000',
    '\u00a0',
    'Σ',
    'σ',
    'ς',
    'İ',
    'ß',
    'ẞ',
    '😀',
    '\u200d',
    '👩',
    '\ufe0f',
    '🏽',
    '猫',
    'ガ',
    'ك',
    '٣',
    '²',
    '½',
    '…',
    '!',
    '?',
    '.',
    ',',
    '-',
    '"',
    '\x00',
    '\x7f',
    '\ufeff',
    '|',
    'startoftext',
    'endoftext',
    'ſ',
    '\u0345',
    'a',
    'photo',
    'cat',
    'THE',
    'Zebra',
    '&amp;',
    '&#x27;',
    '&#39;',
    '&#8217;',
    '&lt;3',
  ];
  let seed = 20240607;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + rand(25) }, () => frags[rand(frags.length)]).join(''));
}
const FUZZ = fuzzInputs(3000);

const UNESCAPE: string[] = [
  '&amp',
  '&ampx',
  '&AMP;',
  '&AMP',
  '&#',
  '&#x',
  '&#xZ;',
  '&#12a;',
  '&#0000000000065;',
  '&#x110000;',
  '&#4294967361;',
  '&#x0000000041;',
  '&#xfffe; &#x1ffff; &#xfdd0; &#x0b; &#x0d; &#x0;',
  '&notit;',
  '&lt',
  '&lt;;',
  '&Aacute',
  '&aacute;x',
  '&&amp;',
  '&;',
  '&#;',
  '&constructor;',
  '&__proto__',
  '&#65',
  '&#x41',
  'a&b c',
  '&' + 'x'.repeat(40) + ';',
  '&ampamp;',
  '&nbsp\u00a0',
  '&😀amp;',
  '&amp😀',
  '&lt\r',
  '&lt\t&gt',
  '&' + '#'.repeat(3) + '65;',
];

describe('parity with the Python transcription of simple_tokenizer.py', () => {
  let py: PyResult;
  let fixtureRuns: PyEncoded[];
  let fuzzRuns: PyEncoded[];
  beforeAll(async () => {
    const texts = [...FIXTURES.map(([text]) => text), ...TRICKY, ...FUZZ];
    py = await runReference({ vocab: VOCAB, contextLength: 77, texts, unescape: UNESCAPE, unescapeAllNames: true });
    fixtureRuns = py.encoded.slice(0, FIXTURES.length);
    fuzzRuns = py.encoded.slice(FIXTURES.length + TRICKY.length);
    py.encoded = py.encoded.slice(FIXTURES.length, FIXTURES.length + TRICKY.length);
  }, 120_000);

  it('the reference itself reproduces the published ids', () => {
    expect(py.regex).toMatch(/^\d/);
    expect(py.encoded).toHaveLength(TRICKY.length);
    expect(fixtureRuns.map((r) => r.tokenized.slice(0, r.length))).toEqual(FIXTURES.map(([, ids]) => ids));
  });

  it.each(TRICKY.map((t, i) => [i, JSON.stringify(t).slice(0, 60), t] as const))('#%i %s', (i, _label, text) => {
    const ref = py.encoded[i];
    expect(tok.clean(text)).toBe(ref.clean);
    expect(tok.encode(text)).toEqual(ref.ids);
    const t = tok.tokenize(text);
    expect(Array.from(t.ids)).toEqual(ref.tokenized);
    expect(t.length).toBe(ref.length);
    expect(t.truncated).toBe(ref.truncated);
    expect(tok.decode(ref.ids)).toBe(ref.decoded);
  });

  it(`${FUZZ.length} random fragment strings: same cleaned text and rows`, () => {
    const mismatches = FUZZ.flatMap((text, i) => {
      const t = tok.tokenize(text);
      const ok =
        tok.clean(text) === fuzzRuns[i].clean &&
        t.length === fuzzRuns[i].length &&
        Array.from(t.ids).every((v, k) => v === fuzzRuns[i].tokenized[k]);
      return ok ? [] : [text];
    });
    expect(mismatches).toEqual([]);
  });

  it('flags the long prompts exactly where CLIP truncates', () => {
    const at = TRICKY.indexOf('a '.repeat(75).trim());
    expect(py.encoded[at]).toMatchObject({ truncated: false, length: 77 });
    expect(py.encoded[at + 1]).toMatchObject({ truncated: true, length: 77 });
    expect(py.encoded[at + 2].tokenized[76]).toBe(EOT);
  });

  it('html.unescape: same output on edge cases and on every HTML5 name', () => {
    const cases: Array<[string, string]> = [...UNESCAPE.map((s, i) => [s, py.unescaped[i]] as [string, string]), ...py.nameCases];
    expect(cases.length).toBeGreaterThan(8000);
    const mismatches = cases.map(([s, want]) => [s, htmlUnescape(s), want]).filter(([, got, want]) => got !== want);
    expect(mismatches).toEqual([]);
    // CPython raises ValueError past 4300 decimal digits; a huge number is U+FFFD here
    expect(htmlUnescape('&#' + '9'.repeat(5000) + ';')).toBe('\ufffd');
  });

  it("ftfy's entity table: every entry its pattern can reach decodes, nothing else does", () => {
    const table = py.ftfyEntities;
    // ftfy only looks at `&#?[0-9A-Za-z]{1,24};`, so the longest names (e.g. CounterClockwiseContourIntegral) stay
    const reachable = /^&#?[0-9A-Za-z]{1,24};$/;
    for (const [entity, char] of Object.entries(table)) expect(ftfyUnescapeHtml(entity)).toBe(reachable.test(entity) ? char : entity);
    const absent = py.html5Names
      .filter((n) => n.endsWith(';'))
      .map((n) => `&${n.toUpperCase()}`)
      .filter((e) => !(e in table));
    expect(absent.length).toBeGreaterThan(100);
    for (const e of absent) expect(ftfyUnescapeHtml(e)).toBe(e);
    expect(ftfyUnescapeHtml('&amp')).toBe('&amp'); // ftfy never decodes the bare legacy forms
  });
});
