import { fileURLToPath } from 'node:url';
import type { MetricCatalog } from '@assay/metric-catalog';
import { DefinitionError, loadDefinitions, type DefinitionSources } from '@assay/yaml-catalog';
import { criterionId, judgements } from './criteria.js';
import { PolicyFile, type PolicyDefinition } from './schema.js';

/** The launch policies shipped with Assay: `libs/policies/policies/*.yaml`. */
export const BUILTIN_POLICIES_DIR = fileURLToPath(new URL('../policies/', import.meta.url));

/** Problems a policy has against the metric catalog: scores that do not exist, directions a criterion needs. */
export function policyProblems(policy: PolicyDefinition, catalog: MetricCatalog): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  policy.criteria.forEach((c, i) => {
    const at = `criteria.${i}`;
    const id = criterionId(c);
    if (ids.has(id)) problems.push({ path: `${at}.id`, message: `${id} is used twice (give the criteria distinct ids)` });
    ids.add(id);
    const score = 'score' in c ? c.score : undefined;
    const passRate = 'passRate' in c && c.passRate !== 'assets' ? c.passRate : undefined;
    for (const [field, key] of [
      ['score', score],
      ['passRate', passRate],
    ] as const) {
      if (key === undefined) continue;
      const info = catalog.score(key);
      if (!info) problems.push({ path: `${at}.${field}`, message: `no metric reports ${key} (GET /v1/metrics lists the scores)` });
      else if ((c.type === 'non_inferiority' || c.type === 'superiority') && info.direction === 'none')
        problems.push({ path: `${at}.score`, message: `${key} has no better side (direction none); use an absolute criterion` });
    }
  });
  return problems;
}

/** Every launch policy: built-in, then POLICIES_DIR, then POLICIES_URI; each checked against the metric catalog. */
export class PolicyCatalog {
  private constructor(private readonly byName: Map<string, PolicyDefinition>) {}

  static async load(catalog: MetricCatalog, sources: DefinitionSources = {}): Promise<PolicyCatalog> {
    const byName = await loadDefinitions(PolicyFile, BUILTIN_POLICIES_DIR, sources);
    const problems = [...byName.values()].flatMap((p) => policyProblems(p, catalog).map((m) => `${p.source}: ${m.path}: ${m.message}`));
    if (problems.length) throw new DefinitionError(problems.join('; '));
    return new PolicyCatalog(byName);
  }

  get(name: string): PolicyDefinition | undefined {
    return this.byName.get(name);
  }

  list(): PolicyDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/**
 * The level every statistical judgement of a policy is made at: Bonferroni over its judgements, so that a
 * candidate no different from the baseline is called NO_GO with probability at most alpha.
 */
export function gateLevel(policy: Pick<PolicyDefinition, 'alpha' | 'criteria'>): number {
  const k = policy.criteria.reduce((n, c) => n + judgements(c), 0);
  return 1 - policy.alpha / Math.max(1, k);
}
