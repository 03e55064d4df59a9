/**
 * Child process for the memory tests: scores one video file the way a worker does (probe and policy, one
 * decode feeding the frame analysis, the temporal metrics of `video-default`) under the default limits, and
 * prints its peak resident memory before and after as JSON. Run: node test/dist/helpers/video-memory-probe.js <file>
 */
import { readFileSync } from 'node:fs';
import { AssayError } from '@assay/contracts';
import { loadConfig } from '@assay/config';
import { decodeVideo, openMedia, type MediaLimits } from '@assay/media';
import { evaluateVideo, FrameAnalyzer, MetricRegistry, type MetricContext } from '@assay/scoring';
import { SuiteCatalog } from '@assay/suites';

const { limits } = loadConfig({});
const mediaLimits: MediaLimits = {
  maxBytes: limits.maxUploadBytes,
  maxDurationSeconds: limits.maxMediaDurationSeconds,
  maxVideoPixels: limits.maxVideoPixels,
  maxVideoFrames: limits.maxVideoFrames,
  timeoutMs: limits.mediaTimeoutMs,
};
const suite = (await MetricRegistry.load()).resolveSuite((await SuiteCatalog.load()).get('video-default')!);
const temporal = suite.metrics.filter((m) => !m.perSample);
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const maxRssKb = () => process.resourceUsage().maxRSS;

const baselineKb = maxRssKb();
let frames = 0;
let code: string | undefined;
const file = await openMedia(bytes, 'video', mediaLimits).catch((err: unknown) => {
  if (err instanceof AssayError) code = err.code;
  else throw err;
});
if (file) {
  try {
    const analyzer = new FrameAnalyzer();
    const decoded = await decodeVideo(file, { onFrame: (f) => analyzer.update(f) });
    const input = { probe: file.probe, frames: { ...analyzer.series(), lumaRange: decoded.lumaRange }, samples: [], attributes: {} };
    await evaluateVideo(temporal, input, { file: (rel: string) => rel } as MetricContext);
    frames = decoded.framesAnalysed;
  } catch (err) {
    if (err instanceof AssayError) code = err.code;
    else throw err;
  } finally {
    await file.close();
  }
}
process.stdout.write(`${JSON.stringify({ baselineKb, peakKb: maxRssKb(), frames, code, maxVideoFrames: mediaLimits.maxVideoFrames })}\n`);
