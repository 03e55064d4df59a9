import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '@assay/config';
import { headingAnchors, parseYaml, read } from './tools.js';

const DOCS = ['docs/operations.md', 'deploy/docker/README.md'];
/** Build arguments, not service variables. */
const BUILD_ARGS = new Set(['CUDA_VERSION', 'CUDA_REPO', 'NODE_IMAGE', 'ASSAY_UID', 'ONNXRUNTIME_NODE_INSTALL']);

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);

  it('links only to files and sections that exist', () => {
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // absolute URLs
      const [file, anchor] = target.split('#');
      const path = file ? normalize(join(dirname(doc), file)) : doc;
      if (!existsSync(path)) {
        broken.push(target);
        continue;
      }
      if (anchor && path.endsWith('.md') && !headingAnchors(read(path)).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it('names only environment variables the services read (or build arguments)', () => {
    const known = new Set(Object.keys(EnvSchema.shape));
    const named = [...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`/g)].map((m) => m[1]);
    expect(named.filter((n) => !known.has(n) && !BUILD_ARGS.has(n))).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  const text = read('docs/operations.md');
  const anchors = headingAnchors(text);

  it('has the sections the on-call needs', () => {
    for (const s of ['images', 'deploy-with-helm', 'configuration', 'metrics-and-scraping', 'scaling', 'redis', 'shutdown', 'dead-letter-view', 'runbooks']) {
      expect(anchors.has(s), s).toBe(true);
    }
    expect(text).toContain('GET /v1/queues/:queue/failed');
    expect(text).toContain('docker build -f deploy/docker/Dockerfile');
    expect(text).toContain('maxmemory-policy noeviction');
  });

  it('has a runbook for every alert, and no runbook without an alert', () => {
    const alerts = (parseYaml(read('deploy/prometheus/alerts.yml')).groups as { rules: { alert: string }[] }[]).flatMap((g) => g.rules.map((r) => r.alert));
    const runbooks = [...text.matchAll(/^### (Assay\w+)$/gm)].map((m) => m[1]);
    expect(runbooks.sort()).toEqual([...alerts].sort());
  });

  it('states the chart defaults it quotes', () => {
    const values = parseYaml(read('helm/assay/values.yaml'));
    expect(text).toContain(`\`WORKER_SHUTDOWN_GRACE_MS\` (${Number(values.config.WORKER_SHUTDOWN_GRACE_MS) / 1000} s)`);
    expect(text).toContain(`(${values.worker.terminationGracePeriodSeconds} s for workers and the aggregator)`);
    expect(values.aggregator.terminationGracePeriodSeconds).toBe(values.worker.terminationGracePeriodSeconds);
    expect(text).toContain(`threshold: "${values.worker.keda.threshold}"`);
    expect(text).toContain(`\`preStop\` sleep (${values.ingest.preStopSleepSeconds} s)`);
  });
});
