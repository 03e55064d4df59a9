/**
 * No Docker engine runs where these tests run, so the images cannot be built here: these checks hold the
 * Dockerfiles to the repository they build (workspaces, entry points, the onnxruntime-node install).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPath, read, run } from './tools.js';

const CPU = 'deploy/docker/Dockerfile';
const GPU = 'deploy/docker/Dockerfile.gpu';
const ENTRYPOINT = 'deploy/docker/entrypoint.sh';

/** Workspace folders, from package.json's globs ("libs/*", "cli", …). */
function workspaces(): string[] {
  const globs = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
  return globs
    .flatMap((g) => (g.endsWith('/*') ? readdirSync(g.slice(0, -2)).map((d) => join(g.slice(0, -2), d)) : [g]))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .sort();
}

/** `ARG NAME=value` defaults, substituted into FROM lines. */
function baseImages(dockerfile: string): string[] {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1].replace(/\$\{(\w+)\}/g, (_, a: string) => args[a] ?? ''));
}

describe.each([CPU, GPU])('%s', (path) => {
  const text = read(path);

  it('copies every workspace manifest before npm ci, so the dependency layer caches', () => {
    const copied = [...text.matchAll(/^COPY (\S+)\/package\.json \1\/$/gm)].map((m) => m[1]).sort();
    expect(copied).toEqual(workspaces());
    expect(text).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
    const ci = text.indexOf('RUN npm ci');
    const all = text.indexOf('COPY . .');
    expect(ci).toBeGreaterThan(0);
    expect(all).toBeGreaterThan(ci);
    expect(text.indexOf('npm run build')).toBeGreaterThan(all);
    expect(text).toContain('npm prune --omit=dev');
  });

  it('builds on Node 22 and runs as a non-root user through the entry point', () => {
    const images = baseImages(text);
    expect(images.some((i) => /^node:22[.-]/.test(i))).toBe(true);
    expect(images.every((i) => i !== '' && !/:latest$/.test(i))).toBe(true);
    expect(text).toMatch(/^USER \$\{ASSAY_UID\}:\$\{ASSAY_UID\}$/m);
    expect(text).toMatch(/^ARG ASSAY_UID=10001$/m); // the chart's runAsUser
    expect(text).toMatch(/^COPY --chmod=0755 deploy\/docker\/entrypoint\.sh \/usr\/local\/bin\/assay-entrypoint$/m);
    expect(text).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/assay-entrypoint"\]$/m);
    expect(text).toMatch(/^EXPOSE 8080$/m);
  });

  it('has an ignore file of its own that keeps what the build needs', () => {
    const ignore = read(`${path}.dockerignore`).split('\n').filter((l) => l && !l.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '.git']) expect(ignore).toContain(pattern);
    for (const needed of ['package-lock.json', 'tsconfig.json', 'tsconfig.base.json', 'test']) expect(ignore).not.toContain(needed);
    expect(ignore).toContain('!deploy/docker/entrypoint.sh');
  });
});

describe('the images', () => {
  it('CPU image: CPU provider, ingest by default', () => {
    const text = read(CPU);
    expect(text).toMatch(/ORT_EXECUTION_PROVIDERS=cpu/);
    expect(text).toMatch(/^CMD \["ingest"\]$/m);
    expect(text).not.toMatch(/ONNXRUNTIME_NODE_INSTALL/);
  });

  it('GPU image: CUDA 12 + cuDNN runtime base, onnxruntime-node CUDA install, cuda,cpu providers, worker', () => {
    const text = read(GPU);
    expect(baseImages(text)).toContain('nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04');
    expect(text).toMatch(/^RUN ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install/m);
    expect(text).toContain('libonnxruntime_providers_cuda.so');
    expect(text).toMatch(/^COPY --from=node \/usr\/local\/bin\/node \/usr\/local\/bin\/node$/m);
    expect(text).toMatch(/ORT_EXECUTION_PROVIDERS=cuda,cpu/);
    expect(text).toMatch(/^CMD \["worker"\]$/m);
    // the install step runs after npm ci and before the sources are copied (cached across code changes)
    expect(text.indexOf('ONNXRUNTIME_NODE_INSTALL=cuda12')).toBeGreaterThan(text.indexOf('RUN npm ci'));
    expect(text.indexOf('ONNXRUNTIME_NODE_INSTALL=cuda12')).toBeLessThan(text.indexOf('COPY . .'));
  });

  it('rely on no install script running by default (npm ci --ignore-scripts; allowScripts denies onnxruntime-node)', () => {
    expect(existsSync('.npmrc')).toBe(false);
    expect((JSON.parse(read('package.json')) as { allowScripts: Record<string, boolean> }).allowScripts['onnxruntime-node']).toBe(false);
    for (const path of [CPU, GPU]) expect(read(path)).toMatch(/^RUN npm ci --ignore-scripts$/m);
    const script = 'node_modules/onnxruntime-node/script/install.js';
    expect(existsSync(script)).toBe(true);
    expect(read('node_modules/onnxruntime-node/script/install-utils.js')).toContain('process.env.ONNXRUNTIME_NODE_INSTALL');
  });

  it('the two ignore files differ only in their comments', () => {
    const rules = (p: string) => read(p).split('\n').filter((l) => !l.startsWith('#'));
    expect(rules(`${GPU}.dockerignore`)).toEqual(rules(`${CPU}.dockerignore`));
  });
});

describe.runIf(onPath('sh'))('entrypoint.sh', () => {
  it('is valid sh and maps each service name to its compiled main', () => {
    expect(run('sh', ['-n', ENTRYPOINT]).status).toBe(0);
    const text = read(ENTRYPOINT);
    const names = /^\s*(\w+(?:\s*\|\s*\w+)*)\)$/m.exec(text)![1].split('|').map((s) => s.trim());
    expect(names).toEqual(['ingest', 'worker', 'aggregator']);
    for (const n of names) expect(existsSync(`services/${n}/src/main.ts`)).toBe(true);
    expect(text).toContain('exec node "/app/services/${service}/dist/main.js" "$@"');
  });

  it('runs any other command as given', () => {
    const r = run('sh', [ENTRYPOINT, 'echo', 'hello', 'assay']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hello assay\n');
  });
});
