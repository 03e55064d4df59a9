import { fileURLToPath } from 'node:url';
import { loadDefinitions, type DefinitionSources } from '@assay/yaml-catalog';
import { SuiteFile, type SuiteDefinition } from './schema.js';

/** The suites shipped with Assay: `libs/suites/suites/*.yaml`. */
export const BUILTIN_SUITES_DIR = fileURLToPath(new URL('../suites/', import.meta.url));

/** SUITES_DIR, then SUITES_URI: suites there add to or replace the built-in ones by name. */
export type SuiteSources = DefinitionSources;

/** Every suite a service knows: built-in, then overrides. Loaded once at start; a bad file stops the start. */
export class SuiteCatalog {
  private constructor(private readonly byName: Map<string, SuiteDefinition>) {}

  static async load(sources: SuiteSources = {}): Promise<SuiteCatalog> {
    return new SuiteCatalog(await loadDefinitions(SuiteFile, BUILTIN_SUITES_DIR, sources));
  }

  get(name: string): SuiteDefinition | undefined {
    return this.byName.get(name);
  }

  list(): SuiteDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
