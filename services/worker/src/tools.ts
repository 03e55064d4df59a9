import { MODALITY_DESCRIPTORS, type ExternalTool, type Modality } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { ffmpegVersion, resolveTool } from '@assay/media';
import { chromiumProblem } from '@assay/mesh-render';
import type { ResolvedSuite } from '@assay/scoring';

/** Why each external program cannot be used here (undefined: it can), keyed by the tool: a new tool needs a check. */
const TOOL_CHECKS: Readonly<Record<ExternalTool, (config: AssayConfig) => Promise<string | undefined>>> = {
  // ffprobe must be found and ffmpeg must run
  ffmpeg: async (config) => {
    resolveTool('ffprobe', config.mediaTools);
    await ffmpegVersion(config.mediaTools);
    return undefined;
  },
  chromium: async (config) => chromiumProblem(config.render.chromiumPath),
};

/** The programs a worker serving these modalities may need (checked once at start-up). */
export function toolsOf(modalities: readonly Modality[]): ExternalTool[] {
  return [
    ...new Set(modalities.flatMap((m) => [...MODALITY_DESCRIPTORS[m].tools, ...(MODALITY_DESCRIPTORS[m].imageSamples?.tools ?? [])])),
  ];
}

/** The programs one suite needs: its modality's, and what makes its images when it has per-sample metrics. */
export function suiteTools(suite: ResolvedSuite): ExternalTool[] {
  const d = MODALITY_DESCRIPTORS[suite.modality];
  return [...d.tools, ...(suite.needsSamples ? (d.imageSamples?.tools ?? []) : [])];
}

/** Checks each tool once; the map holds the problem of every tool that cannot be used. */
export async function toolProblems(tools: readonly ExternalTool[], config: AssayConfig): Promise<Map<ExternalTool, string>> {
  const problems = new Map<ExternalTool, string>();
  for (const tool of tools) {
    const problem = await TOOL_CHECKS[tool](config).catch((err: Error) => err.message);
    if (problem) problems.set(tool, problem);
  }
  return problems;
}
