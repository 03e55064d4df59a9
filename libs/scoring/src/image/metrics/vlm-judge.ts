import sharp from 'sharp';
import { z } from 'zod';
import { ErrorCode } from '@assay/contracts';
import type { JsonSchema, JudgeErrorCode } from '@assay/judges';
import type { DecodedImage } from '@assay/media';
import { defineMetric, MetricNotApplicable, type ImageInput } from '../../metric.js';

const JPEG_QUALITY = 90;
/** longest string kept per answer field in `details`, so a chatty judge cannot bloat result records */
const MAX_DETAIL_CHARS = 1000;

const DEFAULT_SYSTEM = 'You are a careful, strict judge of generated images. Judge only what you see in the image.';
const DEFAULT_RUBRIC =
  'The image was generated for this prompt: "{{prompt}}".\n' +
  'Rate how faithfully the image depicts the prompt and how good it looks (composition, anatomy, artefacts, legibility of any text) ' +
  'on a scale from 1 (unusable) to 10 (flawless). Give the score and brief reasons.';
const DEFAULT_ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    score: { type: 'number', description: 'overall rating on the rubric scale' },
    reasons: { type: 'string', maxLength: 2000, description: 'one to three sentences' },
  },
  required: ['score', 'reasons'],
  additionalProperties: false,
};

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const KNOWN_PLACEHOLDER = /^(prompt|attributes\.[\w.-]+)$/;
const PROPERTY_TYPES = ['object', 'number', 'integer', 'string', 'boolean', 'array'] as const;

// The top level is checked here, so a bad suite is refused at start-up; every keyword is checked again by
// the judge client (@assay/judges) before it sends anything.
const AnswerSchema = z
  .object({
    type: z.literal('object'),
    title: z.string().optional(),
    description: z.string().optional(),
    properties: z.record(z.string(), z.looseObject({ type: z.enum(PROPERTY_TYPES).optional() })),
    required: z.array(z.string()).optional(),
    additionalProperties: z.boolean().optional(),
  })
  .strict();

const Params = z
  .object({
    /** the user message; `{{prompt}}` and `{{attributes.<key>}}` are filled from the asset */
    rubric: z.string().min(1).max(8000).default(DEFAULT_RUBRIC),
    system: z.string().min(1).max(4000).default(DEFAULT_SYSTEM),
    /** JSON schema of the answer (an object); the client checks each answer against it */
    answerSchema: AnswerSchema.default(DEFAULT_ANSWER_SCHEMA as z.output<typeof AnswerSchema>),
    /** the numeric answer field reported as the score */
    scoreField: z
      .string()
      .regex(/^[A-Za-z_]\w{0,63}$/, 'a field name')
      .default('score'),
    /** [min, max] of the rubric's scale; sent as the score field's minimum/maximum, and used to normalize */
    scoreRange: z.tuple([z.number().min(0), z.number()]).default([1, 10]),
    /** the image is downscaled (never enlarged) to fit this many pixels on its longer side, then sent as JPEG */
    maxImageSide: z.number().int().min(64).max(4096).default(768),
    maxTokens: z.number().int().min(16).max(8192).default(512),
    /** names the judge in metrics (`assay_judge_*{judge}`) and outcome messages */
    judge: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, _ and -')
      .default('vlm'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const [lo, hi] = p.scoreRange;
    if (!(lo < hi)) ctx.addIssue({ code: 'custom', path: ['scoreRange'], message: 'min must be below max' });
    const field = p.answerSchema.properties[p.scoreField] as JsonSchema | undefined;
    if (!field || (field.type !== 'number' && field.type !== 'integer')) {
      ctx.addIssue({ code: 'custom', path: ['scoreField'], message: `answerSchema has no number or integer property "${p.scoreField}"` });
    } else {
      if (!p.answerSchema.required?.includes(p.scoreField))
        ctx.addIssue({ code: 'custom', path: ['answerSchema', 'required'], message: `must include "${p.scoreField}"` });
      if ((field.minimum !== undefined && field.minimum < lo) || (field.maximum !== undefined && field.maximum > hi)) {
        ctx.addIssue({
          code: 'custom',
          path: ['answerSchema', 'properties', p.scoreField],
          message: 'minimum/maximum must lie within scoreRange (or be left out: scoreRange fills them)',
        });
      }
    }
    for (const [, name] of p.rubric.matchAll(PLACEHOLDER)) {
      if (!KNOWN_PLACEHOLDER.test(name))
        ctx.addIssue({
          code: 'custom',
          path: ['rubric'],
          message: `unknown placeholder {{${name}}}: use {{prompt}} or {{attributes.<key>}}`,
        });
    }
  });

type VlmJudgeParams = z.infer<typeof Params>;

/** Fills the rubric; an asset without a value the rubric asks for cannot be judged with it. */
export function renderRubric(rubric: string, input: Pick<ImageInput, 'prompt' | 'attributes'>): string {
  return rubric.replace(PLACEHOLDER, (_, name: string) => {
    const value = name === 'prompt' ? input.prompt : input.attributes[name.slice('attributes.'.length)];
    if (value === undefined || value === '') throw new MetricNotApplicable(`the rubric uses {{${name}}}, which this asset does not have`);
    return String(value);
  });
}

/** The answer schema as sent: the score field bounded by scoreRange unless it says so itself. */
function effectiveSchema(p: VlmJudgeParams): JsonSchema {
  const schema = structuredClone(p.answerSchema) as JsonSchema;
  const field = schema.properties![p.scoreField];
  field.minimum ??= p.scoreRange[0];
  field.maximum ??= p.scoreRange[1];
  return schema;
}

async function toJpeg(image: DecodedImage, maxSide: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function truncateStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_DETAIL_CHARS ? `${value.slice(0, MAX_DETAIL_CHARS)}…` : value;
  if (Array.isArray(value)) return value.map(truncateStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateStrings(v)]));
  return value;
}

const JUDGE_CODES = new Set<string>([ErrorCode.JudgeUnavailable, ErrorCode.JudgeInvalidAnswer]);

/** A JudgeError, recognised by its code so this package needs @assay/judges for types only. */
function judgeFailure(err: unknown): { code: JudgeErrorCode; message: string } | undefined {
  const code = (err as { code?: unknown })?.code;
  return err instanceof Error && typeof code === 'string' && JUDGE_CODES.has(code)
    ? { code: code as JudgeErrorCode, message: err.message }
    : undefined;
}

export default defineMetric({
  name: 'vlm_judge',
  version: '1.0.0',
  modality: 'image',
  description:
    'A vision-language model rates the image against a rubric, over an OpenAI-compatible chat-completions endpoint ' +
    '(VLM_JUDGE_URL); the answer is JSON checked against answerSchema. Not applicable without a configured judge, ' +
    'or when the judge gives no valid answer (judge_unavailable, judge_invalid_answer).',
  scores: [
    {
      key: 'score',
      description: 'the answer field `scoreField`, on the rubric scale `scoreRange` (default 1–10)',
      range: [0, null],
      direction: 'higher',
    },
    { key: 'score_normalized', description: '(score − scoreRange min) / (max − min)', range: [0, 1], direction: 'higher' },
  ],
  params: Params,
  needs: {},
  cost: 'model',
  async compute(input, ctx, p) {
    const judge = ctx.judges?.vlm;
    if (!judge) throw new MetricNotApplicable('no VLM judge is configured on this worker (VLM_JUDGE_URL is unset)');
    const text = renderRubric(p.rubric, input);
    const jpeg = await toJpeg(input.image, p.maxImageSide);
    let res;
    try {
      res = await judge.judge({
        judge: p.judge,
        system: p.system,
        text,
        images: [{ mimeType: 'image/jpeg', data: jpeg.data }],
        answer: { name: `${p.judge}_answer`, schema: effectiveSchema(p) },
        maxTokens: p.maxTokens,
      });
    } catch (err) {
      const failure = judgeFailure(err);
      // the asset still completes: this metric alone reports the judge's failure, with its code
      if (failure) throw new MetricNotApplicable(failure.message, failure.code);
      throw err;
    }
    const raw = res.answer[p.scoreField] as number; // the schema makes it a number within scoreRange
    const [lo, hi] = p.scoreRange;
    return {
      scores: { score: raw, score_normalized: Math.min(1, Math.max(0, (raw - lo) / (hi - lo))) },
      details: {
        judge: p.judge,
        model: res.model,
        answer: truncateStrings(res.answer),
        latencyMs: Math.round(res.totalMs),
        requestMs: Math.round(res.requestMs),
        attempts: res.attempts,
        tokens: res.usage ? { prompt: res.usage.promptTokens, completion: res.usage.completionTokens } : undefined,
        image: { width: jpeg.width, height: jpeg.height, bytes: jpeg.data.byteLength },
      },
      inferenceMs: res.requestMs,
    };
  },
});
