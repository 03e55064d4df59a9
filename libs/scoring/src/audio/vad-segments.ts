/**
 * Speech segments from per-chunk speech probabilities: a port of the segmenting part of Silero VAD's
 * `get_speech_timestamps` (snakers4/silero-vad `src/silero_vad/utils_vad.py`, v6.x), everything after the
 * model calls: hysteresis between `threshold` and `neg_threshold`, the minimum silence that ends a segment,
 * splitting at `max_speech_duration_s` (at the longest — or last — silence longer than
 * `min_silence_at_max_speech`, else hard), dropping segments shorter than `min_speech_duration_ms`, and the
 * `speech_pad_ms` padding (half the gap when two segments are closer than twice the pad). Sample positions
 * are in the 16 kHz stream (chunk i starts at i · chunk). Not ported: `return_seconds` rounding and the
 * sample-rate decimation step (Assay always feeds 16 kHz), progress callbacks, visualization.
 */
export interface SpeechTimestampOptions {
  threshold?: number;
  /** default max(threshold − 0.15, 0.01) */
  negThreshold?: number;
  sampleRate?: number;
  minSpeechDurationMs?: number;
  /** default Infinity */
  maxSpeechDurationS?: number;
  minSilenceDurationMs?: number;
  speechPadMs?: number;
  minSilenceAtMaxSpeechMs?: number;
  useMaxPossSilAtMaxSpeech?: boolean;
  /** samples per probability (512 at 16 kHz) */
  windowSizeSamples?: number;
}

export interface SpeechSegment {
  start: number;
  end: number;
}

export function getSpeechTimestamps(probs: ArrayLike<number>, audioLengthSamples: number, o: SpeechTimestampOptions = {}): SpeechSegment[] {
  const threshold = o.threshold ?? 0.5;
  const sr = o.sampleRate ?? 16000;
  const window = o.windowSizeSamples ?? (sr === 16000 ? 512 : 256);
  const minSpeechSamples = (sr * (o.minSpeechDurationMs ?? 250)) / 1000;
  const speechPadSamples = (sr * (o.speechPadMs ?? 30)) / 1000;
  const maxSpeechSamples = sr * (o.maxSpeechDurationS ?? Infinity) - window - 2 * speechPadSamples;
  const minSilenceSamples = (sr * (o.minSilenceDurationMs ?? 100)) / 1000;
  const minSilenceSamplesAtMaxSpeech = (sr * (o.minSilenceAtMaxSpeechMs ?? 98)) / 1000;
  const useMaxPossSil = o.useMaxPossSilAtMaxSpeech ?? true;
  const negThreshold = o.negThreshold ?? Math.max(threshold - 0.15, 0.01);

  let triggered = false;
  const speeches: { start?: number; end?: number }[] = [];
  let current: { start?: number; end?: number } = {};
  let tempEnd = 0;
  let prevEnd = 0;
  let nextStart = 0;
  let possibleEnds: [number, number][] = [];

  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    const pos = window * i;
    if (p >= threshold && tempEnd) {
      const silDur = pos - tempEnd;
      if (silDur > minSilenceSamplesAtMaxSpeech) possibleEnds.push([tempEnd, silDur]);
      tempEnd = 0;
      if (nextStart < prevEnd) nextStart = pos;
    }

    if (p >= threshold && !triggered) {
      triggered = true;
      current.start = pos;
      continue;
    }

    if (triggered && pos - current.start! > maxSpeechSamples) {
      if (possibleEnds.length) {
        let chosen: [number, number];
        if (useMaxPossSil) {
          // Python's max(key=...) keeps the first of equal maxima
          chosen = possibleEnds[0];
          for (const e of possibleEnds) if (e[1] > chosen[1]) chosen = e;
        } else chosen = possibleEnds[possibleEnds.length - 1];
        const [end, dur] = chosen;
        prevEnd = end;
        current.end = prevEnd;
        speeches.push(current);
        current = {};
        nextStart = prevEnd + dur;
        if (nextStart < prevEnd + pos) current.start = nextStart;
        else triggered = false;
        possibleEnds = possibleEnds.filter((e) => e[0] > nextStart);
        prevEnd = nextStart = tempEnd = 0;
      } else {
        current.end = pos;
        speeches.push(current);
        current = {};
        prevEnd = nextStart = tempEnd = 0;
        triggered = false;
        possibleEnds = [];
        continue;
      }
    }

    if (p < negThreshold && triggered) {
      if (!tempEnd) tempEnd = pos;
      if (pos - tempEnd < minSilenceSamples) continue;
      current.end = tempEnd;
      if (current.end - current.start! > minSpeechSamples) speeches.push(current);
      current = {};
      prevEnd = nextStart = tempEnd = 0;
      triggered = false;
      possibleEnds = [];
      continue;
    }
  }

  if (current.start !== undefined && audioLengthSamples - current.start > minSpeechSamples) {
    current.end = audioLengthSamples;
    speeches.push(current);
  }

  const out = speeches as SpeechSegment[];
  for (let i = 0; i < out.length; i++) {
    const speech = out[i];
    if (i === 0) speech.start = Math.trunc(Math.max(0, speech.start - speechPadSamples));
    if (i !== out.length - 1) {
      const silence = out[i + 1].start - speech.end;
      if (silence < 2 * speechPadSamples) {
        speech.end += Math.trunc(Math.floor(silence / 2));
        out[i + 1].start = Math.trunc(Math.max(0, out[i + 1].start - Math.floor(silence / 2)));
      } else {
        speech.end = Math.trunc(Math.min(audioLengthSamples, speech.end + speechPadSamples));
        out[i + 1].start = Math.trunc(Math.max(0, out[i + 1].start - speechPadSamples));
      }
    } else {
      speech.end = Math.trunc(Math.min(audioLengthSamples, speech.end + speechPadSamples));
    }
  }
  return out;
}
