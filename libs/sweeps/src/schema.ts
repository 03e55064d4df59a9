import { z } from 'zod';
import { S3_URI_PATTERN, SweepName } from '@assay/contracts';
import { isCron, isTimeZone, parseDuration } from './calendar.js';

/** `previous` (the last successful run of this sweep), a pinned run id, or `reference-set:<name>` (its run). */
export const BaselineSpec = z
  .string()
  .regex(/^(previous|run_[0-9a-z]{26}|reference-set:[a-z0-9][a-z0-9-]{0,62})$/, 'previous, a run id (run_…) or reference-set:<name>');

/** A sweep file (`SWEEPS_DIR`, `SWEEPS_URI`): what to score every night, against what, and how to judge it. */
export const SweepFile = z
  .object({
    name: SweepName,
    description: z.string().default(''),
    schedule: z
      .object({
        /** five fields (minute hour day month weekday), or six with seconds first */
        cron: z.string().refine(isCron, 'not a cron expression'),
        /** an IANA time zone: the cron is read in it, and it decides the date of a run */
        timezone: z.string().refine(isTimeZone, 'not an IANA time zone').default('UTC'),
      })
      .strict(),
    /** where the assets come from (`source` names the file a definition was read from, as for suites) */
    manifest: z
      .object({
        /** the generation pipeline's manifest: `s3://bucket/key` with `{date}` (YYYY-MM-DD) in it */
        uri: z
          .string()
          .regex(S3_URI_PATTERN, 'must look like s3://bucket/key')
          .refine((t) => t.includes('{date}'), 'must contain {date}')
          .refine((t) => !/\{(?!date\})[^}]*\}/.test(t), 'the only placeholder is {date}'),
        /** days added to the run's date for the manifest (-1: a 02:00 sweep reads yesterday's generation) */
        dateOffsetDays: z.number().int().min(-31).max(0).default(0),
      })
      .strict(),
    suite: z.string().min(1).max(100),
    baseline: BaselineSpec.default('previous'),
    /** a launch policy's name (GET /v1/policies) of the suite's modality */
    policy: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    /** how long after it starts a run may take: then the run is closed and assets without a result fail */
    deadline: z
      .string()
      .refine((d) => parseDuration(d) !== undefined, 'a duration such as 90s, 45m, 6h or 1d')
      .default('6h'),
    /** labels of the runs the sweep makes, beside `sweep` and `sweepDate` */
    labels: z.record(z.string().min(1).max(64), z.string().max(256)).default({}),
  })
  .strict();
export type SweepFile = z.infer<typeof SweepFile>;
/** A loaded sweep: its file, and where it was read from (`builtin/…`, a path or an `s3://` URI). */
export type SweepDefinition = SweepFile & { source: string };
