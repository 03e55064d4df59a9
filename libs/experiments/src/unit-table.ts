import { EXPERIMENT_EVENT_TYPES, type ExperimentRecord, type UnitMeasure } from '@assay/contracts';
import type { ExperimentStore, UnitRow } from './experiment-store.js';

const TYPES = EXPERIMENT_EVENT_TYPES.length;

/** One variant's units, ordered by the day each was first seen, so the units up to a day are a prefix. */
export interface Arm {
  rows: UnitRow[];
  /** first day per unit (ascending) */
  days: Int32Array;
  /** covariate name → value per unit (NaN where the unit has none) */
  covariates: Map<string, Float64Array>;
}

export interface UnitTable {
  arms: Arm[];
  crossover: number;
}

/** The unit aggregates of an experiment, one arm per variant; crossover units (seen in several variants) only counted. */
export async function loadUnits(store: ExperimentStore, experiment: ExperimentRecord, covariates: readonly string[]): Promise<UnitTable> {
  const rows: UnitRow[][] = experiment.variants.map(() => []);
  // per variant and covariate, the value of each unit in `rows` order (NaN where it has none)
  const cov = experiment.variants.map(() => new Map(covariates.map((name): [string, number[]] => [name, []])));
  let crossover = 0;
  for await (const shard of store.unitShards(experiment.id, covariates)) {
    for (const [unitId, row] of shard.units) {
      if (row[0] < 0) {
        crossover++;
        continue;
      }
      rows[row[0]].push(row);
      for (const [name, byUnit] of shard.covariates) cov[row[0]].get(name)!.push(byUnit.get(unitId) ?? NaN);
    }
  }
  const arms = rows.map((armRows, i): Arm => {
    const order = armRows.map((_, j) => j).sort((a, b) => armRows[a][1] - armRows[b][1]);
    const covariateArrays = new Map(covariates.map((name) => [name, Float64Array.from(order, (j) => cov[i].get(name)![j])]));
    return { rows: order.map((j) => armRows[j]), days: Int32Array.from(order, (j) => armRows[j][1]), covariates: covariateArrays };
  });
  return { arms, crossover };
}

/** Where a measure sits in a unit row: counts first, then value sums, after [variant, first day]. */
function column(m: UnitMeasure): number {
  return 2 + EXPERIMENT_EVENT_TYPES.indexOf(m.event) + (m.aggregate === 'value' ? TYPES : 0);
}

/** A measure of the first `units` units of an arm (all of them by default). */
export function measure(arm: Arm, m: UnitMeasure, units = arm.rows.length): Float64Array {
  const c = column(m);
  const out = new Float64Array(units);
  for (let i = 0; i < units; i++) out[i] = arm.rows[i][c];
  return out;
}

/** Units of the arm first seen on or before `day`. */
export function unitsUpTo(arm: Arm, day: number): number {
  let lo = 0;
  let hi = arm.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arm.days[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
