"""Reference CLIP tokenizer for the parity test of @assay/tokenizers (libs/tokenizers/test/clip-bpe.test.ts).

A port, for Debian's /usr/bin/python3 (python3-regex; stdlib html, gzip, unicodedata), of:
- openai/CLIP `clip/simple_tokenizer.py` as read at commit 0848ed71e5bb5b4eaaa4048364001877630345dc
  (bytes_to_unicode, the vocabulary from the first 48894 merges, bpe(), basic_clean, whitespace_clean,
  the IGNORECASE pre-tokenizer regex, encode, decode), transcribed line by line;
- `clip.tokenize(texts, context_length, truncate=True)` for one text (cut to the context, last id = eot);
- a stand-in for `ftfy.fix_text`, which is not installable here: ftfy 6.3.1's fix_text with
  fix_encoding=False, i.e. its own steps (unescape_html while no '<' was seen, fix_c1_controls,
  fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks, fix_surrogates,
  remove_terminal_escapes, remove_control_chars, NFC; per line, repeated until stable) without the
  mojibake repair. The TypeScript tokenizer documents and implements the same stand-in.

Input (stdin, JSON): {"vocab": path, "contextLength": 77, "texts": [...], "unescape": [...],
"unescapeAllNames": bool}.
Output (stdout, JSON): per text the cleaned text, encode() ids, decode(encode()), the tokenized row and
its length and truncation flag; html.unescape of each "unescape" string (and, if asked, of variants of
every HTML5 name); the HTML5 names; ftfy's entity table; versions.
"""
import gzip
import html
import html.entities
import itertools
import json
import re as std_re
import sys
import unicodedata

import regex as re


# --- ftfy 6.3.1 stand-in (fix_encoding=False) ------------------------------------------------------

def _build_html_entities():
    entities = {}
    for name, char in html.entities.html5.items():
        if name.endswith(";"):
            entities["&" + name] = char
            if name == name.lower():
                name_upper = name.upper()
                entity_upper = "&" + name_upper
                if html.unescape(entity_upper) == entity_upper:
                    entities[entity_upper] = char.upper()
    return entities


HTML_ENTITY_RE = std_re.compile(r"&#?[0-9A-Za-z]{1,24};")
HTML_ENTITIES = _build_html_entities()
SINGLE_QUOTE_RE = std_re.compile("[\u02bc\u2018-\u201b]")
DOUBLE_QUOTE_RE = std_re.compile("[\u201c-\u201f]")
C1_CONTROL_RE = std_re.compile(r"[\x80-\x9f]")
ANSI_RE = std_re.compile("\033\\[((?:\\d|;)*)([a-zA-Z])")
SURROGATE_RE = std_re.compile("[\ud800-\udfff]")
SURROGATE_PAIR_RE = std_re.compile("[\ud800-\udbff][\udc00-\udfff]")
CONTROL_CHARS = {
    i: None
    for i in itertools.chain(
        range(0x00, 0x09), [0x0B], range(0x0E, 0x20), [0x7F], range(0x206A, 0x2070), [0xFEFF], range(0xFFF9, 0xFFFD)
    )
}
LIGATURES = {
    ord("Ĳ"): "IJ", ord("ĳ"): "ij", ord("ŉ"): "ʼn", ord("Ǳ"): "DZ", ord("ǲ"): "Dz", ord("ǳ"): "dz",
    ord("Ǆ"): "DŽ", ord("ǅ"): "Dž", ord("ǆ"): "dž", ord("Ǉ"): "LJ", ord("ǈ"): "Lj", ord("ǉ"): "lj",
    ord("Ǌ"): "NJ", ord("ǋ"): "Nj", ord("ǌ"): "nj", ord("ﬀ"): "ff", ord("ﬁ"): "fi", ord("ﬂ"): "fl",
    ord("ﬃ"): "ffi", ord("ﬄ"): "ffl", ord("ﬅ"): "ſt", ord("ﬆ"): "st",
}


def _build_width_map():
    width_map = {0x3000: " "}
    for i in range(0xFF01, 0xFFF0):
        char = chr(i)
        alternate = unicodedata.normalize("NFKC", char)
        if alternate != char:
            width_map[i] = alternate
    return width_map


WIDTH_MAP = _build_width_map()

# ftfy's "sloppy-windows-1252": cp1252, with the five bytes cp1252 leaves undefined kept as Latin-1.
_SLOPPY_1252 = {b: bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
                for b in range(0x80, 0xA0)}


def unescape_html(text):
    def fixup(match):
        text = match.group(0)
        if text in HTML_ENTITIES:
            return HTML_ENTITIES[text]
        elif text.startswith("&#"):
            unescaped = html.unescape(text)
            if ";" in unescaped:
                return text
            else:
                return unescaped
        else:
            return text
    return HTML_ENTITY_RE.sub(fixup, text)


def fix_c1_controls(text):
    return C1_CONTROL_RE.sub(lambda m: _SLOPPY_1252[ord(m.group(0))], text)


def fix_surrogates(text):
    if SURROGATE_RE.search(text):
        text = SURROGATE_PAIR_RE.sub(
            lambda m: chr(0x10000 + (ord(m.group(0)[0]) - 0xD800) * 0x400 + (ord(m.group(0)[1]) - 0xDC00)), text)
        text = SURROGATE_RE.sub("\ufffd", text)
    return text


def fix_and_explain(text, unescape):
    while True:
        origtext = text
        if unescape:
            text = unescape_html(text)
        text = fix_c1_controls(text)
        text = text.translate(LIGATURES)
        text = text.translate(WIDTH_MAP)
        text = SINGLE_QUOTE_RE.sub("'", DOUBLE_QUOTE_RE.sub('"', text))
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n").replace("\u0085", "\n")
        text = fix_surrogates(text)
        text = ANSI_RE.sub("", text)
        text = text.translate(CONTROL_CHARS)
        text = unicodedata.normalize("NFC", text)
        if text == origtext:
            return text


def fix_text(text, max_decode_length=1000000):
    out = []
    pos = 0
    unescape = True
    while pos < len(text):
        textbreak = text.find("\n", pos) + 1
        if textbreak == 0:
            textbreak = len(text)
        if (textbreak - pos) > max_decode_length:
            textbreak = pos + max_decode_length
        segment = text[pos:textbreak]
        if unescape and "<" in segment:
            unescape = False
        out.append(fix_and_explain(segment, unescape))
        pos = textbreak
    return "".join(out)


# --- clip/simple_tokenizer.py ------------------------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~")+1))+list(range(ord("¡"), ord("¬")+1))+list(range(ord("®"), ord("ÿ")+1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8+n)
            n += 1
    cs = [chr(n) for n in cs]
    return dict(zip(bs, cs))


def get_pairs(word):
    pairs = set()
    prev_char = word[0]
    for char in word[1:]:
        pairs.add((prev_char, char))
        prev_char = char
    return pairs


def basic_clean(text):
    text = fix_text(text)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    text = re.sub(r'\s+', ' ', text)
    text = text.strip()
    return text


class SimpleTokenizer(object):
    def __init__(self, bpe_path):
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {v: k for k, v in self.byte_encoder.items()}
        merges = gzip.open(bpe_path).read().decode("utf-8").split('\n')
        merges = merges[1:49152-256-2+1]
        merges = [tuple(merge.split()) for merge in merges]
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v+'</w>' for v in vocab]
        for merge in merges:
            vocab.append(''.join(merge))
        vocab.extend(['<|startoftext|>', '<|endoftext|>'])
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.decoder = {v: k for k, v in self.encoder.items()}
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {'<|startoftext|>': '<|startoftext|>', '<|endoftext|>': '<|endoftext|>'}
        self.pat = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        pairs = get_pairs(word)

        if not pairs:
            return token+'</w>'

        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float('inf')))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break

                if word[i] == first and i < len(word)-1 and word[i+1] == second:
                    new_word.append(first+second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            new_word = tuple(new_word)
            word = new_word
            if len(word) == 1:
                break
            else:
                pairs = get_pairs(word)
        word = ' '.join(word)
        self.cache[token] = word
        return word

    def clean(self, text):
        return whitespace_clean(basic_clean(text)).lower()

    def encode(self, text):
        bpe_tokens = []
        text = self.clean(text)
        for token in re.findall(self.pat, text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            bpe_tokens.extend(self.encoder[bpe_token] for bpe_token in self.bpe(token).split(' '))
        return bpe_tokens

    def decode(self, tokens):
        text = ''.join([self.decoder[token] for token in tokens])
        text = bytearray([self.byte_decoder[c] for c in text]).decode('utf-8', errors="replace").replace('</w>', ' ')
        return text


def tokenize(tokenizer, text, context_length):
    """clip.tokenize([text], context_length, truncate=True)[0], with the unpadded length."""
    sot_token = tokenizer.encoder["<|startoftext|>"]
    eot_token = tokenizer.encoder["<|endoftext|>"]
    tokens = [sot_token] + tokenizer.encode(text) + [eot_token]
    truncated = len(tokens) > context_length
    if truncated:
        tokens = tokens[:context_length]
        tokens[-1] = eot_token
    return tokens + [0] * (context_length - len(tokens)), len(tokens), truncated


def main():
    request = json.load(sys.stdin)
    tokenizer = SimpleTokenizer(request["vocab"])
    context_length = request.get("contextLength", 77)
    encoded = []
    for text in request.get("texts", []):
        ids = tokenizer.encode(text)
        row, length, truncated = tokenize(tokenizer, text, context_length)
        encoded.append({"clean": tokenizer.clean(text), "ids": ids, "decoded": tokenizer.decode(ids),
                        "tokenized": row, "length": length, "truncated": truncated})
    name_cases = [case for n in sorted(html.entities.html5)
                  for case in ("&" + n, "&" + n + "zz;", "&" + n.upper(), "x&" + n[:-1])]
    json.dump({
        "python": sys.version.split()[0],
        "regex": re.__version__,
        "unicodedata": unicodedata.unidata_version,
        "encoded": encoded,
        "unescaped": [html.unescape(s) for s in request.get("unescape", [])],
        "nameCases": [[s, html.unescape(s)] for s in name_cases] if request.get("unescapeAllNames") else [],
        "html5Names": sorted(html.entities.html5),
        "ftfyEntities": HTML_ENTITIES,
    }, sys.stdout)


if __name__ == "__main__":
    main()
