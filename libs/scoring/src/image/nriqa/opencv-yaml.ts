/**
 * A reader for the YAML that OpenCV's `cv::FileStorage` writes (`%YAML:1.0`): block mappings and sequences by
 * indentation, flow `[ … ]` / `{ … }` spanning lines, `key:value` without a space inside flow maps, and tags
 * such as `!!opencv-matrix` (kept under `$tag`). General YAML parsers warn about the directive and read
 * `{ epsilon:1e-3 }` as a single key, so this small purpose-built one is used instead.
 */
export type FsValue = number | string | null | FsValue[] | FsMap;
export interface FsMap {
  [key: string]: FsValue;
}

interface Line {
  indent: number;
  text: string;
  no: number;
}

class FsError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? `OpenCV YAML: ${message}` : `OpenCV YAML line ${line}: ${message}`);
  }
}

function scalar(raw: string): FsValue {
  const s = raw.trim();
  if (s === '') return null;
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) return s.slice(1, -1);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  if (/^[-+]?\.inf$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.nan$/i.test(s)) return NaN;
  return s;
}

/** Parses one flow collection starting at `text[pos]` (`[` or `{`). */
function parseFlow(text: string, line: number): FsValue {
  let pos = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const value = (): FsValue => {
    skip();
    const c = text[pos];
    if (c === '[') {
      pos++;
      const out: FsValue[] = [];
      for (;;) {
        skip();
        if (text[pos] === ']') {
          pos++;
          return out;
        }
        out.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') throw new FsError(`expected , or ] at "${text.slice(pos, pos + 20)}"`, line);
      }
    }
    if (c === '{') {
      pos++;
      const out: FsMap = {};
      for (;;) {
        skip();
        if (text[pos] === '}') {
          pos++;
          return out;
        }
        const colon = text.indexOf(':', pos);
        if (colon < 0) throw new FsError('flow map entry without ":"', line);
        const key = text.slice(pos, colon).trim();
        pos = colon + 1;
        out[key] = value();
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') throw new FsError(`expected , or } at "${text.slice(pos, pos + 20)}"`, line);
      }
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) throw new FsError('unterminated string', line);
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    const start = pos;
    while (pos < text.length && !',]}'.includes(text[pos])) pos++;
    return scalar(text.slice(start, pos));
  };
  const v = value();
  skip();
  if (pos !== text.length) throw new FsError(`unexpected text after a flow collection: "${text.slice(pos, pos + 20)}"`, line);
  return v;
}

/** Bracket depth change of a line, ignoring quoted text. */
function depthDelta(s: string): number {
  let d = 0;
  let quote = '';
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
  }
  return d;
}

class Parser {
  private i = 0;

  constructor(private readonly lines: Line[]) {}

  parseDocument(): FsMap {
    const root = this.block(0);
    if (this.i < this.lines.length) throw new FsError('unexpected indentation', this.lines[this.i].no);
    if (root === null || Array.isArray(root) || typeof root !== 'object') throw new FsError('the top level is not a mapping');
    return root;
  }

  /** A block (mapping or sequence) whose lines are indented exactly `indent`. */
  private block(indent: number): FsValue {
    const first = this.lines[this.i];
    if (!first || first.indent !== indent) return null;
    return first.text === '-' || first.text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): FsMap {
    const out: FsMap = {};
    while (this.i < this.lines.length && this.lines[this.i].indent === indent) {
      const line = this.lines[this.i];
      const colon = line.text.indexOf(':');
      if (colon <= 0) throw new FsError(`expected "key: value", got "${line.text.slice(0, 40)}"`, line.no);
      const key = line.text.slice(0, colon).trim();
      this.i++;
      out[key] = this.value(line.text.slice(colon + 1), indent, line.no);
    }
    return out;
  }

  private sequence(indent: number): FsValue[] {
    const out: FsValue[] = [];
    while (
      this.i < this.lines.length &&
      this.lines[this.i].indent === indent &&
      (this.lines[this.i].text === '-' || this.lines[this.i].text.startsWith('- '))
    ) {
      const line = this.lines[this.i];
      const rest = line.text.slice(1);
      const trimmed = rest.trim();
      if (trimmed !== '' && !trimmed.startsWith('[') && !trimmed.startsWith('{') && /^[^"'[{]*?:(\s|$)/.test(trimmed)) {
        // "- key: value" starts a mapping whose other keys sit under the first one
        const inner = indent + 1 + (rest.length - rest.trimStart().length);
        this.lines[this.i] = { indent: inner, text: trimmed, no: line.no };
        out.push(this.mapping(inner));
      } else {
        this.i++;
        out.push(this.value(rest, indent, line.no));
      }
    }
    return out;
  }

  /** The value after "key:" or "-": inline scalar or flow, or a nested block on the following lines. */
  private value(rest: string, indent: number, no: number): FsValue {
    let text = rest.trim();
    let tag: string | undefined;
    const tagged = /^!!?([\w-]+)\s*(.*)$/.exec(text);
    if (tagged) {
      tag = tagged[1];
      text = tagged[2];
    }
    let v: FsValue;
    if (text === '') {
      const next = this.lines[this.i];
      v = next && next.indent > indent ? this.block(next.indent) : null;
    } else if (text.startsWith('[') || text.startsWith('{')) {
      let depth = depthDelta(text);
      while (depth > 0) {
        const more = this.lines[this.i++];
        if (!more) throw new FsError('unterminated flow collection', no);
        text += ` ${more.text}`;
        depth += depthDelta(more.text);
      }
      v = parseFlow(text, no);
    } else {
      v = scalar(text);
    }
    if (tag && v !== null && typeof v === 'object' && !Array.isArray(v)) v.$tag = tag;
    return v;
  }
}

export function parseOpenCvYaml(source: string): FsMap {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.trimEnd();
    const body = text.trimStart();
    if (!body || body.startsWith('#') || body.startsWith('%') || body === '---' || body === '...') return;
    lines.push({ indent: text.length - body.length, text: body, no: index + 1 });
  });
  return new Parser(lines).parseDocument();
}

/** An `!!opencv-matrix` node as a row-major Float64Array, checked against its rows × cols. */
export function readOpenCvMatrix(node: FsValue, what: string): { rows: number; cols: number; dt: string; data: Float64Array } {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new FsError(`${what} is not a matrix`);
  const { rows, cols, dt, data } = node;
  if (typeof rows !== 'number' || typeof cols !== 'number' || !Array.isArray(data) || data.length !== rows * cols) {
    throw new FsError(`${what}: rows × cols does not match the data`);
  }
  if (typeof dt !== 'string' || !/^[ifd]$/.test(dt)) throw new FsError(`${what}: unsupported element type dt=${JSON.stringify(dt)}`);
  return { rows, cols, dt, data: numbers(data, what) };
}

export function numbers(list: FsValue, what: string): Float64Array {
  if (!Array.isArray(list)) throw new FsError(`${what} is not a list`);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number') throw new FsError(`${what}[${i}] is not a number`);
    out[i] = x;
  }
  return out;
}
