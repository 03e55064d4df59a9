import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RaterInvite, StudyAnalysis, StudyView } from '@assay/contracts';
import { parseOptions } from '../args.js';
import { AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { UsageError } from '../errors.js';
import { table } from '../text-table.js';

const HELP = `usage: assay study create <study.json> [--run <id>…] [options]
       assay study invite <id> --name <rater> [--name <rater>…] [options]
       assay study report <id> [options]
       assay study close <id> [options]

Human evaluation studies (docs/human-eval.md). create: a study from a JSON body of POST /v1/studies (closed runs,
protocol, rubric); invite: rater links (each printed once: the token is not kept); report: the analysis — rater
quality, agreement, the versions' preferences or ratings, and how well each automated score agrees with the
humans; close: no more answers, the final analysis is kept.

options:
  --run <id>              create: a closed run to rate, in order (the first is the baseline); replaces the file's "runs"
  --name <rater>          invite: a rater's name (repeat for several)
  --json                  print the API's answer as JSON
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 done, 2 usage or input error, 3 service unreachable or request refused (e.g. study_not_found, run_not_closed).
`;

const OPTIONS = {
  run: { type: 'string', multiple: true },
  name: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  ...CONNECTION_OPTIONS,
} as const;

const f2 = (x: number) => x.toFixed(2);
const ci = (e: { estimate: number; ci: [number, number] }) => `${f2(e.estimate)} [${f2(e.ci[0])}, ${f2(e.ci[1])}]`;

/** The analysis as a reader scans it: quality, agreement, the protocol's result, then the calibration. */
export function renderStudyReport(a: StudyAnalysis): string {
  const out: string[] = [
    `study ${a.studyId} "${a.name}" (${a.protocol}, ${a.status}) — ${a.included.answers} answers on ${a.included.items} items by ${a.included.raters} raters`,
  ];
  out.push(
    '',
    'raters',
    table([
      ['rater', 'answers', 'gold acc.', 'median s', 'same answer', 'excluded'],
      ...a.raters.map((r) => [
        r.name,
        String(r.answers),
        r.goldAccuracy === null ? '—' : f2(r.goldAccuracy),
        r.medianSeconds === null ? '—' : r.medianSeconds.toFixed(1),
        r.straightLining === null ? '—' : f2(r.straightLining),
        r.excluded ? `yes: ${r.reasons.join('; ')}` : 'no',
      ]),
    ]),
  );
  if (a.agreement.length)
    out.push(
      '',
      'agreement (95 % bootstrap intervals over items)',
      table([
        ['dimension', 'level', 'items', "Krippendorff's α", "Fleiss' κ", 'agreement'],
        ...a.agreement.map((d) => [
          d.dimension,
          d.level,
          String(d.items),
          ci(d.alpha),
          d.fleissKappa ? ci(d.fleissKappa) : '—',
          ci(d.percentAgreement),
        ]),
      ]),
    );
  if (a.pairwise)
    out.push(
      '',
      `preferences (${a.pairwise.comparisons} comparisons; left chosen ${ci(a.pairwise.leftShare)})`,
      table([
        ['rank', 'version', 'win rate', 'W/L/T', 'Bradley–Terry strength'],
        ...[...a.pairwise.versions]
          .sort((x, y) => x.rank - y.rank)
          .map((v) => [
            String(v.rank),
            v.modelVersion,
            ci(v.winRate),
            `${v.wins}/${v.losses}/${v.ties}`,
            v.strength === null ? '—' : `${f2(v.strength)} [${f2(v.strengthCi![0])}, ${f2(v.strengthCi![1])}]`,
          ]),
      ]),
    );
  for (const d of a.likert ?? [])
    out.push(
      '',
      `${d.dimension}: mean rating`,
      table([['version', 'mean', 'items'], ...d.versions.map((v) => [v.modelVersion, ci(v.mean), String(v.mean.n)])]),
      ...d.tests.map(
        (t) => `  ${t.a} vs ${t.b}: ${t.test} p = ${t.pValue.toPrecision(3)} (Holm ${t.pAdjusted.toPrecision(3)}, n = ${t.n})`,
      ),
    );
  for (const d of a.binary ?? [])
    out.push(
      '',
      `${d.dimension}: share "yes"`,
      table([['version', 'yes', 'items'], ...d.versions.map((v) => [v.modelVersion, ci(v.yesRate), String(v.yesRate.n)])]),
    );
  if (a.calibration.length)
    out.push(
      '',
      'judge–human calibration (agreement: oriented Spearman ρ, or pairwise accuracy)',
      table([
        ['score', 'against', 'measure', 'agreement', 'n'],
        ...[...a.calibration]
          .sort((x, y) => y.agreement.estimate - x.agreement.estimate)
          .map((c) => [c.score, c.human, c.measure, ci(c.agreement), String(c.agreement.n)]),
      ]),
    );
  for (const w of a.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}

export const studyCommand: Command = {
  name: 'study',
  summary: 'human evaluation studies: create one, invite raters, read the analysis, close it',
  help: HELP,
  async run(args, ctx: Context) {
    const { values, positionals } = parseOptions(args, OPTIONS);
    const [action, target, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (!['create', 'invite', 'report', 'close'].includes(action ?? ''))
      throw new UsageError(
        action ? `unknown action ${action}; give create, invite, report or close` : 'give an action: create, invite, report or close',
      );
    if (!target) throw new UsageError(action === 'create' ? 'give the study JSON file' : 'give the study id');
    const { url, apiKey } = resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    const client = new AssayClient(url, apiKey);
    const print = (value: unknown, text: string) => ctx.out.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
    const id = encodeURIComponent(target);
    if (action === 'create') {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(resolve(ctx.cwd, target), 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read ${target} as JSON: ${(err as Error).message}`);
      }
      if (values.run?.length) body = { ...(body as object), runs: values.run };
      const study = await client.request<StudyView>('POST', '/v1/studies', body);
      print(
        study,
        `study ${study.id} created: ${study.items} items, ${study.goldItems} gold; invite raters with assay study invite ${study.id} --name <rater>\n`,
      );
    } else if (action === 'invite') {
      if (!values.name?.length) throw new UsageError('give at least one --name');
      const invites = await client.request<RaterInvite[]>('POST', `/v1/studies/${id}/raters`, {
        raters: values.name.map((name) => ({ name })),
      });
      print(invites, invites.map((i) => `${i.name}: ${new URL(i.url, url).href} (until ${i.expiresAt})\n`).join(''));
    } else if (action === 'report') {
      const analysis = await client.request<StudyAnalysis>('GET', `/v1/studies/${id}/analysis`, undefined, { idempotent: true });
      print(analysis, renderStudyReport(analysis));
    } else {
      const study = await client.request<StudyView>('POST', `/v1/studies/${id}/close`, undefined, { idempotent: true });
      print(study, `study ${study.id} closed: ${study.counts.answers} answers; assay study report ${study.id}\n`);
    }
    return 0;
  },
};
