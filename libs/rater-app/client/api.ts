/** The study and token of this page, from its address `/rate/<studyId>/<token>`. */
interface RaterLink {
  studyId: string;
  token: string;
}

function raterLinkFrom(pathname: string): RaterLink | null {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.length !== 3 || parts[0] !== 'rate') return null;
  try {
    return { studyId: decodeURIComponent(parts[1]), token: decodeURIComponent(parts[2]) };
  } catch {
    return null;
  }
}

/** A failed API call: the error envelope's code, or `network` when no answer came at all. */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function callRaterApi(
  link: RaterLink,
  method: 'GET' | 'POST',
  path: 'task' | 'answers' | 'undo',
  body?: unknown,
): Promise<RaterTaskView> {
  let response: Response;
  try {
    response = await fetch(`/rate/${encodeURIComponent(link.studyId)}/api/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${link.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiFailure(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await response.text();
  if (!response.ok) {
    const envelope = parseJson(text) as { error?: { code?: unknown; message?: unknown } } | undefined;
    const code = typeof envelope?.error?.code === 'string' ? envelope.error.code : `http_${response.status}`;
    const message = typeof envelope?.error?.message === 'string' ? envelope.error.message : response.statusText;
    throw new ApiFailure(response.status, code, message);
  }
  const view = parseJson(text);
  if (view === undefined) throw new ApiFailure(response.status, 'bad_response', 'the server answered with something other than JSON');
  return view as RaterTaskView;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const fetchTask = (link: RaterLink) => callRaterApi(link, 'GET', 'task');
const postAnswer = (link: RaterLink, answer: RaterAnswer) => callRaterApi(link, 'POST', 'answers', answer);
const postUndo = (link: RaterLink) => callRaterApi(link, 'POST', 'undo', {});
