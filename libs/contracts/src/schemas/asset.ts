import { z } from 'zod';
import { MODALITIES } from '../modalities.js';
import { Attributes, S3Uri } from './common.js';

export const MAX_ASSETS_PER_REQUEST = 500;
/** a prompt is bounded in characters (UTF-16 code units) and in stored bytes: 10 000 CJK characters are 30 KB */
export const MAX_PROMPT_CHARS = 10_000;
export const MAX_PROMPT_BYTES = 16_384;

export const AssetId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\w.\-/:@+=~ ]+$/, 'letters, digits, space and . - / : @ + = ~ _ only');

export const AssetSubmission = z
  .object({
    assetId: AssetId,
    modality: z.enum(MODALITIES),
    /** where the bytes are; omit and PUT them to /content instead */
    uri: S3Uri.optional(),
    prompt: z
      .string()
      .max(MAX_PROMPT_CHARS)
      .refine((p) => Buffer.byteLength(p, 'utf8') <= MAX_PROMPT_BYTES, `at most ${MAX_PROMPT_BYTES} bytes in UTF-8`)
      .describe(`the generation prompt: at most ${MAX_PROMPT_CHARS} characters and ${MAX_PROMPT_BYTES} bytes in UTF-8`)
      .optional(),
    referenceUri: S3Uri.optional(),
    attributes: Attributes.default({}),
  })
  .strict();
export type AssetSubmission = z.infer<typeof AssetSubmission>;

export const SubmitAssetsRequest = z.object({ assets: z.array(AssetSubmission).min(1) }).strict();
export type SubmitAssetsRequest = z.infer<typeof SubmitAssetsRequest>;

export const HookRequest = z.object({ runId: z.string(), assets: z.array(AssetSubmission).min(1) }).strict();
export type HookRequest = z.infer<typeof HookRequest>;

export const AssetState = z.enum(['awaiting_content', 'queued', 'active', 'completed', 'failed']);
export type AssetState = z.infer<typeof AssetState>;

export const AcceptedAsset = z.object({
  assetId: z.string(),
  jobId: z.string(),
  state: z.enum(['queued', 'awaiting_content']),
  duplicate: z.boolean(),
});
export type AcceptedAsset = z.infer<typeof AcceptedAsset>;

export const SubmitAssetsResponse = z.object({
  runId: z.string(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  assets: z.array(AcceptedAsset),
});
export type SubmitAssetsResponse = z.infer<typeof SubmitAssetsResponse>;

/** What the run keeps about each asset it accepted (Redis), before and while it is scored. */
export const AssetRecord = z.object({
  assetId: z.string(),
  jobId: z.string(),
  modality: z.enum(MODALITIES),
  uri: z.string().optional(),
  referenceUri: z.string().optional(),
  prompt: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  submittedAt: z.string(),
  contentSha256: z.string().optional(),
  requestId: z.string().optional(),
});
export type AssetRecord = z.infer<typeof AssetRecord>;
