import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFilePath, resolveConnection } from '../dist/config.js';

const root = mkdtempSync(join(tmpdir(), 'assay-cli-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh home with, optionally, a config file (XDG or ~/.config) and a launcher data folder with a key. */
function home(o: { config?: unknown; xdg?: boolean; localKey?: string; dataDir?: string } = {}) {
  const dir = join(root, `home-${n++}`);
  const configDir = o.xdg ? join(dir, 'xdg', 'assay') : join(dir, '.config', 'assay');
  mkdirSync(configDir, { recursive: true });
  if (o.config !== undefined)
    writeFileSync(join(configDir, 'config.json'), typeof o.config === 'string' ? o.config : JSON.stringify(o.config));
  const data = join(dir, o.dataDir ?? 'data');
  if (o.localKey) {
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'api-key'), `${o.localKey}\n`);
  }
  const env: Record<string, string> = { HOME: dir, ...(o.xdg ? { XDG_CONFIG_HOME: join(dir, 'xdg') } : {}) };
  return { dir, env, configFile: join(configDir, 'config.json') };
}

describe('where the CLI finds the service and its key', () => {
  it('the config file: $XDG_CONFIG_HOME/assay/config.json, else ~/.config/assay/config.json', () => {
    expect(configFilePath({ HOME: '/home/u' })).toBe('/home/u/.config/assay/config.json');
    expect(configFilePath({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/assay/config.json');
    expect(configFilePath({ HOME: '/home/u', XDG_CONFIG_HOME: '' })).toBe('/home/u/.config/assay/config.json');
  });

  it('flags beat the environment, which beats the config file, which beats the local launcher', () => {
    const h = home({ config: { url: 'https://file.example', apiKey: 'key-from-file' }, localKey: 'key-from-launcher' });
    const env = { ...h.env, ASSAY_URL: 'https://env.example', ASSAY_API_KEY: 'key-from-env', PORT: '9999' };
    expect(resolveConnection({ url: 'https://flag.example', apiKey: 'key-from-flag' }, env, h.dir)).toEqual({
      url: 'https://flag.example',
      apiKey: 'key-from-flag',
      urlFrom: '--url',
      apiKeyFrom: '--api-key',
    });
    expect(resolveConnection({}, env, h.dir)).toMatchObject({ url: 'https://env.example', apiKey: 'key-from-env' });
    const { ASSAY_URL: _u, ASSAY_API_KEY: _k, ...withoutAssayVars } = env;
    expect(resolveConnection({}, withoutAssayVars, h.dir)).toEqual({
      url: 'https://file.example',
      apiKey: 'key-from-file',
      urlFrom: `"url" in ${h.configFile}`,
      apiKeyFrom: `"apiKey" in ${h.configFile}`,
    });
    // each setting on its own: a URL from the environment, the key from the file
    expect(resolveConnection({}, { ...withoutAssayVars, ASSAY_URL: 'https://env.example' }, h.dir)).toMatchObject({
      url: 'https://env.example',
      apiKey: 'key-from-file',
    });
  });

  it('without flags, variables or a config file: the local launcher (PORT, ASSAY_DATA_DIR/api-key, default ./data)', () => {
    const h = home({ localKey: 'key-from-launcher' });
    expect(resolveConnection({}, h.env, h.dir)).toEqual({
      url: 'http://127.0.0.1:8080',
      apiKey: 'key-from-launcher',
      urlFrom: 'the default (the local launcher)',
      apiKeyFrom: join(h.dir, 'data', 'api-key'),
    });
    const other = home({ localKey: 'key-elsewhere', dataDir: 'elsewhere' });
    expect(resolveConnection({}, { ...other.env, PORT: '18080', ASSAY_DATA_DIR: 'elsewhere' }, other.dir)).toMatchObject({
      url: 'http://127.0.0.1:18080',
      apiKey: 'key-elsewhere',
    });
    // the config file's URL wins over PORT, which is only the launcher's
    const both = home({ config: { url: 'https://file.example' }, localKey: 'k', xdg: true });
    expect(resolveConnection({}, { ...both.env, PORT: '18080' }, both.dir)).toMatchObject({ url: 'https://file.example', apiKey: 'k' });
  });

  it('URLs: a trailing slash or /v1 (as the launcher prints the API) is dropped; anything but http(s) is refused', () => {
    const h = home();
    const url = (u: string) => resolveConnection({ url: u, apiKey: 'k' }, h.env, h.dir).url;
    expect(url('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(url('https://assay.example/v1/')).toBe('https://assay.example');
    expect(url('https://gw.example/assay')).toBe('https://gw.example/assay');
    expect(() => url('assay.example')).toThrow("--url is not a URL: 'assay.example'");
    expect(() => url('ftp://assay.example')).toThrow("--url must be an http or https URL, got 'ftp://assay.example'");
    expect(() => resolveConnection({ apiKey: 'k' }, { ...h.env, PORT: 'eighty' }, h.dir)).toThrow("PORT is not a port number: 'eighty'");
  });

  it('no key anywhere: a message naming every place looked in', () => {
    const h = home();
    expect(() => resolveConnection({}, h.env, h.dir)).toThrow(
      `no API key: pass --api-key, set ASSAY_API_KEY, put "apiKey" in ${h.configFile}, or run \`npm start\` here once (it writes data/api-key)`,
    );
  });

  it('a config file that exists must be valid; it is not read when flags or variables say everything', () => {
    for (const [config, message] of [
      ['{"url": ', ' is not valid JSON'],
      ['[]', ' must hold a JSON object'],
      [{ url: 'https://x.example', apikey: 'typo' }, ' has an unknown key "apikey" (known: url, apiKey)'],
      [{ apiKey: 42 }, ': "apiKey" must be a non-empty string'],
    ] as const) {
      const h = home({ config });
      expect(() => resolveConnection({}, h.env, h.dir)).toThrow(`the config file ${h.configFile}${message}`);
      expect(resolveConnection({ url: 'http://a.example' }, { ...h.env, ASSAY_API_KEY: 'k' }, h.dir).apiKey).toBe('k');
    }
  });
});
