import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** parsed JSON (typed loosely: tests assert on its shape) */
  body: any;
}

/** How to answer: a JSON or raw body with a status, after an optional delay; or never. */
export type Reply = { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number } | 'hang';

export interface FakeChatServer {
  /** base URL, e.g. http://127.0.0.1:port */
  url: string;
  requests: SeenRequest[];
  /** the most requests it was answering at once */
  maxInFlight: number;
  /** connections currently open that carried a request (idle spare connections a client opens do not count) */
  openRequestSockets(): number;
  close(): Promise<void>;
}

/** An OpenAI chat-completion body with one choice. */
export function completion(
  content: string,
  usage: { prompt_tokens: number; completion_tokens: number } | null = { prompt_tokens: 120, completion_tokens: 30 },
  finishReason = 'stop',
) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-vlm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  };
}

/** A node:http server speaking just enough of POST /v1/chat/completions; `reply` decides each answer. */
export async function startFakeChatServer(reply: (req: SeenRequest, index: number) => Reply | Promise<Reply>): Promise<FakeChatServer> {
  const requestSockets = new Set<Socket>();
  let inFlight = 0;
  const state = { requests: [] as SeenRequest[], maxInFlight: 0 };
  const server = createServer((req, res) => {
    if (!req.socket.destroyed) {
      requestSockets.add(req.socket);
      req.socket.once('close', () => requestSockets.delete(req.socket));
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer());
    const answer = async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text
      }
      const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      const index = state.requests.push(seen) - 1;
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      const r = await reply(seen, index);
      if (r === 'hang') return;
      if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
      if (res.destroyed) return;
      const text = r.json !== undefined ? JSON.stringify(r.json) : (r.text ?? '');
      res.writeHead(r.status ?? 200, { 'content-type': r.json !== undefined ? 'application/json' : 'text/plain', ...r.headers });
      res.end(text);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    openRequestSockets: () => requestSockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
