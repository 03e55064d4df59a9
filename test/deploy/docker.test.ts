/**
 * No Docker engine runs where these tests run, so the images cannot be built here: these checks hold the
 * Dockerfiles to the repository they build (workspaces, entry points, the onnxruntime-node install).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
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

/** `ARG NAME=value` defaults. */
const argDefaults = (dockerfile: string): Record<string, string> =>
  Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

/** `ARG NAME=value` defaults, substituted into FROM lines. */
function baseImages(dockerfile: string): string[] {
  const args = argDefaults(dockerfile);
  return [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1].replace(/\$\{(\w+)\}/g, (_, a: string) => args[a] ?? ''));
}

/** The last stage (the image that ships): its base image, ARG defaults substituted, and its text. */
function runtimeStage(dockerfile: string): { base: string; text: string } {
  const at = dockerfile.lastIndexOf('\nFROM ');
  return { base: baseImages(dockerfile).at(-1)!, text: dockerfile.slice(at + 1) };
}

/** Instructions as the Dockerfile parser sees them: continuation lines joined, comment lines dropped. */
function instructions(dockerfile: string): { keyword: string; args: string }[] {
  const lines = dockerfile.split('\n').filter((l) => !/^\s*#/.test(l));
  const out: { keyword: string; args: string }[] = [];
  let current = '';
  for (const line of lines) {
    current += line.endsWith('\\') ? line.slice(0, -1) : line; // the parser drops the backslash and the newline
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+([\s\S]*)$/.exec(current.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2] });
    current = '';
  }
  return out;
}

/** Debian release number of a Debian-based image tag (node:22-bookworm-slim → 12). */
const DEBIAN = { bookworm: 12, trixie: 13 } as const;
const debianOf = (image: string): number | undefined => Object.entries(DEBIAN).find(([codename]) => image.includes(`-${codename}`))?.[1];

/** The ENTRYPOINT both images use: Debian's tini as PID 1, then the service launcher. */
const ENTRY = '["/usr/bin/tini", "--", "/usr/local/bin/assay-entrypoint"]';

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

  it('builds on Node 22 and runs as a non-root user through tini and the entry point', () => {
    const images = baseImages(text);
    expect(images.some((i) => /^node:22[.-]/.test(i))).toBe(true);
    expect(images.every((i) => i !== '' && !/:latest$/.test(i))).toBe(true);
    expect(text).toMatch(/^USER \$\{ASSAY_UID\}:\$\{ASSAY_UID\}$/m);
    expect(text).toMatch(/^ARG ASSAY_UID=10001$/m); // the chart's runAsUser
    expect(text).toMatch(/^COPY --chmod=0755 deploy\/docker\/entrypoint\.sh \/usr\/local\/bin\/assay-entrypoint$/m);
    expect(text).toMatch(/^EXPOSE 8080$/m);
  });

  it("runs Debian's tini as PID 1 in front of the entry point, signalling the service alone (no -g)", () => {
    const entrypoints = [...text.matchAll(/^ENTRYPOINT (.*)$/gm)].map((m) => m[1]);
    expect(entrypoints).toEqual([ENTRY]);
    // -g would also signal the service's process group: the service drains on SIGTERM and stops its own children
    expect(JSON.parse(entrypoints[0])).not.toContain('-g');
    const { text: runtime } = runtimeStage(text);
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends [^\n]*\btini\b/);
  });

  it("runs on Debian 12 (node:22-bookworm-slim) with Debian's ffmpeg, the build the tests run", () => {
    const { base, text: runtime } = runtimeStage(text);
    expect(base).toBe('node:22-bookworm-slim');
    expect(debianOf(base)).toBe(12);
    // ffmpeg comes from Debian's archive: installed before any other apt source is added
    const ffmpeg = runtime.search(/apt-get install -y --no-install-recommends [^\n]*\bffmpeg\b/);
    expect(ffmpeg).toBeGreaterThan(0);
    const otherSource = runtime.search(/dpkg -i|sources\.list/);
    if (otherSource >= 0) expect(ffmpeg).toBeLessThan(otherSource);
  });

  it.runIf(onPath('sh'))('has RUN steps that are valid sh', () => {
    const runs = instructions(text).filter((i) => i.keyword === 'RUN' && !i.args.startsWith('['));
    expect(runs.length).toBeGreaterThan(2);
    for (const { args } of runs) {
      const script = args.replace(/^(--\S+\s+)+/, ''); // BuildKit flags such as --mount=…
      const r = run('sh', ['-n', '-c', script]);
      expect(r.status, `${script}\n${r.stderr}`).toBe(0);
    }
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

  it('GPU image: onnxruntime-node CUDA install, cuda,cpu providers, worker', () => {
    const text = read(GPU);
    expect(text).toMatch(/^RUN ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install/m);
    expect(text).toContain('libonnxruntime_providers_cuda.so');
    expect(text).toMatch(/ORT_EXECUTION_PROVIDERS=cuda,cpu/);
    expect(text).toMatch(/^CMD \["worker"\]$/m);
    // the install step runs after npm ci and before the sources are copied (cached across code changes)
    expect(text.indexOf('ONNXRUNTIME_NODE_INSTALL=cuda12')).toBeGreaterThan(text.indexOf('RUN npm ci'));
    expect(text.indexOf('ONNXRUNTIME_NODE_INSTALL=cuda12')).toBeLessThan(text.indexOf('COPY . .'));
  });

  it("GPU image: the CPU image's runtime base, plus CUDA 12 and cuDNN 9 from NVIDIA's repository for the same Debian release", () => {
    const gpu = read(GPU);
    const args = argDefaults(gpu);
    const { base, text: runtime } = runtimeStage(gpu);
    expect(base).toBe(runtimeStage(read(CPU)).base);
    expect(baseImages(gpu).filter((i) => i.startsWith('nvidia/'))).toEqual([]);
    // onnxruntime-node 1.30 installs its provider for CUDA 12 on linux/x64, and only that
    const require = createRequire(resolve('node_modules/onnxruntime-node/package.json'));
    const metadata = require('./script/install-metadata.js') as { requirements: Record<string, string[]> };
    expect(metadata.requirements['linux/x64']).toEqual(['cuda12']);
    expect(args.CUDA_VERSION).toMatch(/^12\.\d+$/);
    expect(args.CUDA_REPO).toBe(`https://developer.download.nvidia.com/compute/cuda/repos/debian${debianOf(base)}/x86_64`);
    expect(gpu).toMatch(/^ADD \$\{CUDA_REPO\}\/cuda-keyring_1\.1-1_all\.deb /m);
    // what the CUDA provider loads (the set onnxruntime-gpu preloads: cudart, cublas/cublasLt, cufft, curand,
    // nvrtc, nvJitLink, cudnn), each from its NVIDIA package for the chosen CUDA minor, cuDNN 9 for CUDA 12
    for (const pkg of ['cuda-cudart', 'libcublas', 'libcufft', 'libcurand', 'cuda-nvrtc', 'libnvjitlink']) {
      expect(runtime).toContain(`"${pkg}-\${cuda}"`);
    }
    expect(runtime).toMatch(/\blibcudnn9-cuda-12\b/);
    expect(runtime).toContain('cuda="$(echo "${CUDA_VERSION}" | tr . -)"');
    expect(runtime).toContain('/usr/local/cuda-${CUDA_VERSION}/targets/x86_64-linux/lib');
    // the build proves the provider's libraries resolve, after /app is in place and before the user switch
    const check = runtime.indexOf('ldd "${ort}/libonnxruntime_providers_cuda.so"');
    expect(check).toBeGreaterThan(runtime.indexOf('COPY --from=build /app /app'));
    expect(check).toBeLessThan(runtime.indexOf('USER '));
    for (const lib of ['libcudnn.so.9', 'libnvrtc.so.12', 'libnvJitLink.so.12']) expect(runtime).toContain(lib);
    expect(runtime).toMatch(/NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility/);
    expect(runtime).toMatch(/LD_LIBRARY_PATH=\/usr\/local\/nvidia\/lib:\/usr\/local\/nvidia\/lib64/);
  });

  // The images' ffmpeg is Debian 12's (checked above); this holds the tests to the same build.
  describe.runIf(onPath('ffmpeg') && existsSync('/etc/debian_version'))('ffmpeg', () => {
    it('the tests run the Debian release of ffmpeg the images install', () => {
      const version = run('ffmpeg', ['-hide_banner', '-version']).stdout.split('\n')[0];
      const release = debianOf(runtimeStage(read(GPU)).base);
      expect(version, version).toMatch(new RegExp(`^ffmpeg version \\S+\\+deb${release}u\\d+ `));
    });
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

describe.runIf(onPath('tini') && onPath('sh'))('tini in front of entrypoint.sh', () => {
  it('forwards SIGTERM to the service and exits with its status', async () => {
    const service = "process.on('SIGTERM', () => { console.log('draining'); process.exit(3); }); console.log('up'); setInterval(() => {}, 1000);";
    const child = spawn('tini', ['--', 'sh', ENTRYPOINT, process.execPath, '-e', service], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out === 'up\n') child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(out).toBe('up\ndraining\n');
    expect(code).toBe(3);
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
