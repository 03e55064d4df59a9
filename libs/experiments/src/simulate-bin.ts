/**
 * `npm run experiment:simulate -- [--users N] [--lift L] [--seed S] [--out DIR]`: writes a simulated A/B test
 * (docs/experiments.md: the simulation) as `experiment.json` (the body of POST /v1/experiments) and
 * `events.ndjson` (events, and one `{ unitId, covariates }` line per user) for `assay experiment create|events`.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { simulateExperiment } from './simulate.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '20000' },
    lift: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'data/experiment' },
  },
});
const users = Number(values.users);
const lift = Number(values.lift);
if (!Number.isSafeInteger(users) || users < 10 || !Number.isFinite(lift) || lift <= -1) {
  process.stderr.write('usage: --users <integer ≥ 10> --lift <relative CTR lift > -1> [--seed <n>] [--out <dir>]\n');
  process.exit(2);
}
const sim = simulateExperiment({ users, lift, seed: Number(values.seed) });
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'experiment.json'), `${JSON.stringify(sim.definition, null, 2)}\n`);
const out = createWriteStream(join(values.out, 'events.ndjson'));
let events = 0;
for (const { events: batch, covariates } of sim.users()) {
  events += batch.length;
  const text = `${batch.map((e) => JSON.stringify(e)).join('\n')}\n${JSON.stringify(covariates)}\n`;
  if (!out.write(text)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
process.stdout.write(
  `${users} users, ${events} events → ${values.out}/experiment.json, ${values.out}/events.ndjson (true CTR lift ${(lift * 100).toFixed(1)} %)\n`,
);
