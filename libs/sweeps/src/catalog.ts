import { fileURLToPath } from 'node:url';
import type { PolicyCatalog } from '@assay/policies';
import type { SuiteCatalog } from '@assay/suites';
import { DefinitionError, loadDefinitions, type DefinitionSources } from '@assay/yaml-catalog';
import { SweepFile, type SweepDefinition } from './schema.js';

/**
 * Example sweeps shipped with Assay (`libs/sweeps/examples/`). They are not loaded by default: a sweep schedules
 * real work every night against a manifest only your pipeline writes; copy one into SWEEPS_DIR to use it.
 */
export const EXAMPLE_SWEEPS_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

/** Problems of a sweep against what the service knows: its suite, its policy, and that the two score one modality. */
export function sweepProblems(sweep: SweepDefinition, suites: SuiteCatalog, policies: PolicyCatalog): string[] {
  const suite = suites.get(sweep.suite);
  const policy = policies.get(sweep.policy);
  const problems: string[] = [];
  if (!suite) problems.push(`suite: no suite ${sweep.suite}`);
  if (!policy) problems.push(`policy: no policy ${sweep.policy}`);
  if (suite && policy && suite.modality !== policy.modality)
    problems.push(`policy: ${policy.name} judges ${policy.modality}; suite ${suite.name} scores ${suite.modality}`);
  return problems;
}

/** The sweeps of a deployment: SWEEPS_DIR, then SWEEPS_URI (later ones replace by name); checked once at start. */
export class SweepCatalog {
  private constructor(private readonly byName: Map<string, SweepDefinition>) {}

  static async load(
    known: { suites: SuiteCatalog; policies: PolicyCatalog },
    sources: DefinitionSources = {},
    builtinDir?: string,
  ): Promise<SweepCatalog> {
    const byName = await loadDefinitions(SweepFile, builtinDir, sources);
    const problems = [...byName.values()].flatMap((s) => sweepProblems(s, known.suites, known.policies).map((p) => `${s.source}: ${p}`));
    if (problems.length) throw new DefinitionError(problems.join('; '));
    return new SweepCatalog(byName);
  }

  get(name: string): SweepDefinition | undefined {
    return this.byName.get(name);
  }

  list(): SweepDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
