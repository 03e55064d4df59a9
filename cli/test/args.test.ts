import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../dist/cli.js';
import { ExitCode } from '../dist/errors.js';
import { captured, isolatedEnv } from './helpers.js';

const version = (JSON.parse(readFileSync('cli/package.json', 'utf8')) as { version: string }).version;

async function cli(...argv: string[]) {
  const ctx = captured({ HOME: '/nonexistent' });
  const code = await runCli(argv, ctx);
  return { code, out: ctx.out.text, err: ctx.err.text };
}

describe('help and version', () => {
  it('--help prints the commands to stdout and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(...argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^usage: assay <command>/);
      expect(r.out).toMatch(/^ {2}eval +score a folder/m);
      expect(r.out).toMatch(/^ {2}compare +compare a candidate run with a baseline run/m);
      expect(r.out).toMatch(/exit codes: 0 done \(compare: GO\), 1 assets failed \(compare: NO_GO\), 2 usage or input error, 3 service/);
    }
  });

  it("a command's --help (anywhere before --) prints its options to stdout and exits 0", async () => {
    for (const argv of [
      ['eval', '--help'],
      ['eval', 'some-folder', '--timeout', '5', '-h'],
      ['help', 'eval'],
    ]) {
      const r = await cli(...argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^usage: assay eval <folder-or-files...>/);
      expect(r.out).toContain('--allow-failures');
    }
  });

  it('--version prints the version of cli/package.json', async () => {
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await cli('-V')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});

describe('usage errors: exit 2, one line on stderr, a pointer to the right --help', () => {
  const cases: [string[], RegExp][] = [
    [[], /^assay: missing command \(see 'assay --help'\)$/],
    [['frobnicate'], /^assay: unknown command 'frobnicate' \(see 'assay --help'\)$/],
    [['--verbose'], /^assay: unknown option --verbose \(see 'assay --help'\)$/],
    [['help', 'frobnicate'], /^assay: unknown command 'frobnicate' \(see 'assay --help'\)$/],
    [['eval'], /^assay eval: missing <folder-or-files> \(see 'assay eval --help'\)$/],
    [['eval', 'samples', '--bogus'], /^assay eval: unknown option --bogus \(see 'assay eval --help'\)$/],
    [['eval', 'samples', '-x'], /^assay eval: unknown option -x /],
    [['eval', 'samples', '--timeout'], /^assay eval: option --timeout needs a value \(see 'assay eval --help'\)$/],
    [
      ['eval', 'samples', '--timeout', '-5'],
      /^assay eval: option --timeout needs a value \(for one that starts with '-': --timeout=VALUE\)/,
    ],
    [['eval', 'samples', '--run', '--json'], /^assay eval: option --run needs a value/],
    [['eval', 'samples', '--json=yes'], /^assay eval: option --json takes no value/],
    [
      ['eval', 'samples', '--timeout', 'abc'],
      /^assay eval: --timeout must be a positive number of seconds, got 'abc' \(see 'assay eval --help'\)$/,
    ],
    [['eval', 'samples', '--timeout', ''], /--timeout must be a positive number of seconds, got ''/],
    [['eval', 'samples', '--timeout', '0'], /--timeout must be a positive number of seconds, got '0'/],
    [['eval', 'samples', '--timeout=-5'], /--timeout must be a positive number of seconds, got '-5'/],
    [['eval', 'samples', '--timeout', 'Infinity'], /--timeout must be a positive number of seconds, got 'Infinity'/],
    [['eval', 'samples', '--concurrency', 'four'], /--concurrency must be a whole number from 1 to 64, got 'four'/],
    [['eval', 'samples', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, got '0'/],
    [['eval', 'samples', '--concurrency', '2.5'], /--concurrency must be a whole number from 1 to 64, got '2.5'/],
    [['eval', 'samples', '--concurrency', '65'], /--concurrency must be a whole number from 1 to 64, got '65'/],
  ];
  it.each(cases)('assay %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.out).toBe('');
    expect(r.err.endsWith('\n') && r.err.split('\n')).toHaveLength(2); // one line
    expect(r.err.trimEnd()).toMatch(message);
  });

  it('input errors exit 2 with one line and no stack: a missing folder, nothing to score, a bad prompt file', async () => {
    const missing = await cli('eval', 'no-such-folder', 'samples/nope.jpg');
    expect(missing).toEqual({ code: 2, out: '', err: 'assay eval: no such file or folder: no-such-folder, samples/nope.jpg\n' });
    const nothing = await cli('eval', 'samples/README.md');
    expect(nothing.code).toBe(2);
    expect(nothing.err).toMatch(/assay eval: no image, video, audio or 3D files in samples\/README\.md\n$/);
    const prompts = await cli('eval', 'samples', '--prompt-file', 'samples/none.jsonl');
    expect(prompts.code).toBe(2);
    expect(prompts.err).toMatch(/assay eval: no such prompt file: samples\/none\.jsonl\n$/);
    const badPrompts = await cli('eval', 'samples', '--prompt-file', 'samples/README.md');
    expect(badPrompts.err).toMatch(/assay eval: samples\/README\.md:1: not valid JSON\n$/);
  });
});

describe('the installed entry point (cli/bin/assay.js)', () => {
  it('exits with the code and writes help to stdout, errors to stderr', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['cli/bin/assay.js', ...args], { env: isolatedEnv({ HOME: '/nonexistent' }) }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run('eval', '--help')).stdout).toMatch(/^usage: assay eval/);
    expect(await run('eval', 'samples', '--timeout', 'abc')).toEqual({
      code: 2,
      stdout: '',
      stderr: "assay eval: --timeout must be a positive number of seconds, got 'abc' (see 'assay eval --help')\n",
    });
    expect(await run('eval', 'no-such-folder')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'assay eval: no such file or folder: no-such-folder\n',
    });
  });
});
