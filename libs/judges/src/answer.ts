import { validateJson, type JsonSchema } from './json-schema.js';

export type ParsedAnswer = { ok: true; answer: Record<string, unknown> } | { ok: false; reason: string };

const FENCE = /```(?:json)?[ \t]*\r?\n?([\s\S]*?)```/i;

/** The JSON text inside a message: the whole message, else its first ``` fence, else its outermost {…}. */
function candidates(content: string): string[] {
  const text = content.trim();
  const out = [text];
  const fenced = FENCE.exec(text)?.[1]?.trim();
  if (fenced) out.push(fenced);
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  // models that ignore response_format often wrap the object in a sentence
  if (first >= 0 && last > first) out.push(text.slice(first, last + 1));
  return out;
}

/** Parses a judge's message content and checks it against the answer schema. */
export function parseAnswer(content: string, schema: JsonSchema): ParsedAnswer {
  let value: unknown;
  let parsed = false;
  for (const text of candidates(content)) {
    try {
      value = JSON.parse(text);
      parsed = true;
      break;
    } catch {
      // try the next candidate
    }
  }
  if (!parsed) return { ok: false, reason: `not JSON: ${JSON.stringify(content.slice(0, 120))}` };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const issues = validateJson(schema, value);
  if (issues.length) return { ok: false, reason: `does not match the answer schema: ${issues.slice(0, 5).join('; ')}` };
  return { ok: true, answer: value as Record<string, unknown> };
}

/** The text of a chat message's content: a string, or the text parts of a content array. */
export function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = (content as unknown[])
      .filter((p): p is { text: string } => typeof (p as { text?: unknown } | null)?.text === 'string')
      .map((p) => p.text);
    return parts.length ? parts.join('') : undefined;
  }
  return undefined;
}
