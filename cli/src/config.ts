import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from './errors.js';

/** Where the service is and the key to call it with, and where each came from (for messages). */
export interface Connection {
  url: string;
  apiKey: string;
  urlFrom: string;
  apiKeyFrom: string;
}

export interface ConfigFile {
  url?: string;
  apiKey?: string;
}

type Env = Record<string, string | undefined>;

/** The options of every command that calls the service. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
} as const;

export const CONNECTION_HELP = `  --url URL               Assay API (default: $ASSAY_URL, the config file's "url", else http://127.0.0.1:$PORT or :8080)
  --api-key KEY           API key (default: $ASSAY_API_KEY, the config file's "apiKey", else $ASSAY_DATA_DIR/api-key)`;

export const CONFIG_FILE_HELP = `config file: $XDG_CONFIG_HOME/assay/config.json or ~/.config/assay/config.json: {"url": "...", "apiKey": "..."}`;

/** The local launcher's key file: `npm start` writes it (libs/config's API_KEY_FILE); read here so the CLI needs no workspace package. */
const LOCAL_API_KEY_FILE = 'api-key';
const CONFIG_KEYS = ['url', 'apiKey'];

const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** `$XDG_CONFIG_HOME/assay/config.json`, else `~/.config/assay/config.json`. */
export function configFilePath(env: Env): string {
  return join(set(env.XDG_CONFIG_HOME) ?? join(set(env.HOME) ?? homedir(), '.config'), 'assay', 'config.json');
}

/** The config file's settings; none when it does not exist. A file that exists must be valid: a typo should not go unnoticed. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read the config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(`the config file ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError(`the config file ${path} must hold a JSON object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!CONFIG_KEYS.includes(key))
      throw new InputError(`the config file ${path} has an unknown key "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
    if (typeof value !== 'string' || !value.trim()) throw new InputError(`the config file ${path}: "${key}" must be a non-empty string`);
  }
  return parsed;
}

function normaliseUrl(url: string, from: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${from} is not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InputError(`${from} must be an http or https URL, got '${url}'`);
  // the launcher prints the API as …/v1; the CLI's paths carry /v1 themselves
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * Precedence (docs/cli.md), first found wins:
 * - URL: --url, ASSAY_URL, the config file's "url", then the local launcher: http://127.0.0.1:$PORT (PORT default 8080);
 * - key: --api-key, ASSAY_API_KEY, the config file's "apiKey", then the local launcher's $ASSAY_DATA_DIR/api-key (default ./data).
 * The config file is read only when a flag or variable leaves something open, so a pipeline that sets both never depends on it.
 */
export function resolveConnection(flags: { url?: string; apiKey?: string }, env: Env, cwd = process.cwd()): Connection {
  let file: { path: string; settings: ConfigFile } | undefined;
  const config = () => {
    if (!file) {
      const path = configFilePath(env);
      file = { path, settings: readConfigFile(path) };
    }
    return file;
  };

  let url: string;
  let urlFrom: string;
  if (set(flags.url)) [url, urlFrom] = [set(flags.url)!, '--url'];
  else if (set(env.ASSAY_URL)) [url, urlFrom] = [set(env.ASSAY_URL)!, 'ASSAY_URL'];
  else if (config().settings.url) [url, urlFrom] = [config().settings.url!.trim(), `"url" in ${config().path}`];
  else {
    const port = set(env.PORT) ?? '8080';
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535)
      throw new InputError(`PORT is not a port number: '${port}' (set ASSAY_URL instead)`);
    [url, urlFrom] = [`http://127.0.0.1:${port}`, set(env.PORT) ? 'PORT (the local launcher)' : 'the default (the local launcher)'];
  }

  let apiKey: string | undefined;
  let apiKeyFrom = '';
  if (set(flags.apiKey)) [apiKey, apiKeyFrom] = [set(flags.apiKey), '--api-key'];
  else if (set(env.ASSAY_API_KEY)) [apiKey, apiKeyFrom] = [set(env.ASSAY_API_KEY), 'ASSAY_API_KEY'];
  else if (config().settings.apiKey) [apiKey, apiKeyFrom] = [config().settings.apiKey!.trim(), `"apiKey" in ${config().path}`];
  else {
    const keyFile = resolve(cwd, set(env.ASSAY_DATA_DIR) ?? 'data', LOCAL_API_KEY_FILE);
    try {
      apiKey = set(readFileSync(keyFile, 'utf8'));
      apiKeyFrom = keyFile;
    } catch {
      // no local launcher here
    }
  }
  if (!apiKey) {
    throw new InputError(
      `no API key: pass --api-key, set ASSAY_API_KEY, put "apiKey" in ${config().path}, or run \`npm start\` here once (it writes data/api-key)`,
    );
  }
  return { url: normaliseUrl(url, urlFrom), apiKey, urlFrom, apiKeyFrom };
}
