import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { renderComparison, VERDICT_EXIT } from '../src/commands/compare.js';
import { fixtureResult } from '../../libs/report/test/fixture.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('assay compare output', () => {
  it('maps each verdict to its exit code', () => {
    expect(VERDICT_EXIT).toEqual({ GO: ExitCode.Ok, NO_GO: ExitCode.NoGo, INCONCLUSIVE: ExitCode.Inconclusive });
    expect([ExitCode.Ok, ExitCode.NoGo, ExitCode.Inconclusive]).toEqual([0, 1, 5]);
  });

  it('prints the verdict line, failing criteria first, then every score difference with its interval', () => {
    const result = fixtureResult();
    const text = renderComparison(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${result.verdict.outcome} {2}policy ${result.verdict.policy.name}: candidate `));
    const outcomes = lines.filter((l) => /^ {2}(FAIL|INCONCLUSIVE|PASS|SKIPPED) /.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(outcomes.length).toBe(result.verdict.criteria.length);
    const rank = { FAIL: 0, INCONCLUSIVE: 1, PASS: 2, SKIPPED: 3 } as Record<string, number>;
    expect(outcomes.map((o) => rank[o])).toEqual([...outcomes.map((o) => rank[o])].sort((a, b) => a - b));
    for (const s of result.scores) expect(text).toMatch(new RegExp(`^ {2}${escape(s.score)} .* ${s.reading}$`, 'm'));
  });
});
