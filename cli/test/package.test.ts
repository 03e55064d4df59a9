import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from './helpers.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'assay-cli-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** npm without the workspace's npm_* variables (set when vitest runs under npm), offline, with a cache of its own. */
const npmEnv = () => isolatedEnv({ HOME: tmp, npm_config_cache: join(tmp, 'npm-cache'), npm_config_update_notifier: 'false' });

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('the published package (npm pack → npm install -g)', () => {
  it('installs offline into a fresh prefix and runs from outside the repository', async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: 'cli', env: npmEnv() });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed.files.map((f) => f.path);
    // compiled JavaScript and the launcher only: no sources, declarations, maps, or the repository's sample maker
    expect(files).toEqual(expect.arrayContaining(['bin/assay.js', 'dist/main.js', 'dist/cli.js', 'dist/commands/eval.js', 'package.json']));
    expect(
      files.filter((f) => !/^(bin\/assay\.js|dist\/.+\.js|package\.json|README\.md)$/.test(f) || f === 'dist/make-samples.js'),
    ).toEqual([]);

    // no runtime dependencies, so the install needs no registry: --offline proves it
    const prefix = join(tmp, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(tmp, packed.filename)], {
      cwd: tmp,
      env: npmEnv(),
    });
    const installed = join(prefix, 'lib', 'node_modules', '@assay', 'cli');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    // the contracts are imported for their types only, which compile away: nothing installed names a workspace package
    for (const file of filesUnder(join(installed, 'dist')))
      expect([file, readFileSync(file, 'utf8').includes('@assay/')]).toEqual([file, false]);

    const outside = mkdtempSync(join(tmp, 'elsewhere-'));
    const env = isolatedEnv({ HOME: outside, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin` });
    const assay = (...args: string[]) =>
      run('assay', args, { cwd: outside, env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const version = (JSON.parse(readFileSync('cli/package.json', 'utf8')) as { version: string }).version;
    expect(await assay('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await assay('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: assay <command>/);
    expect((await assay('eval', '--help')).stdout).toMatch(/^usage: assay eval/);
    // out here there is no launcher: without a key the CLI says where it looked
    expect(await assay('eval', resolve('samples'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        new RegExp(`no API key: pass --api-key, set ASSAY_API_KEY, put "apiKey" in ${outside}/\\.config/assay/config\\.json, or run`),
      ),
    });
  }, 120_000);
});
