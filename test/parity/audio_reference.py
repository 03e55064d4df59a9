#!/usr/bin/env python3
"""
Python references for Assay's audio metrics (Debian's /usr/bin/python3 with numpy and scipy), written from the
published descriptions and upstream code, independently of the TypeScript:

- wada_snr: the public WADA-SNR function (Kim & Stern, Interspeech 2008, as ported from Dan Ellis's `snreval`
  MATLAB code) with its G table, verbatim; plus the table regenerated from the paper's model (speech amplitude
  Gamma(alpha = 0.4), Gaussian noise) by Monte Carlo, to check the table itself.
- drop_digital_silence: runs of exact zeros removed, with numpy run lengths.
- bandwidth: scipy.signal.welch's averaged periodogram, then the band rule Assay documents.
- get_speech_timestamps: the part of silero-vad's utils_vad.py (MIT, Silero Team) after the model calls,
  verbatim, fed with the speech probabilities Assay's model run produced.
- dnsmos_windows / dnsmos_poly: the segment loop and np.poly1d mapping of DNSMOS/dnsmos_local.py.

Usage: audio_reference.py JOB.json — prints one JSON object with a key per job section.
"""
import json
import sys

import numpy as np
from scipy import signal

# ---- WADA-SNR: the public function, table and all -------------------------------------------------------

DB_VALS = np.arange(-20, 101)
G_VALS = np.array([
    0.40974774, 0.40986926, 0.40998566, 0.40969089, 0.40986186, 0.40999006, 0.41027138, 0.41052627, 0.41101024, 0.41143264,
    0.41231718, 0.41337272, 0.41526426, 0.4178192, 0.42077252, 0.42452799, 0.42918886, 0.43510373, 0.44234195, 0.45161485,
    0.46221153, 0.47491647, 0.48883809, 0.50509236, 0.52353709, 0.54372088, 0.56532427, 0.58847532, 0.61346212, 0.63954496,
    0.66750818, 0.69583724, 0.72454762, 0.75414799, 0.78323148, 0.81240985, 0.84219775, 0.87166406, 0.90030504, 0.92880418,
    0.95655449, 0.9835349, 1.01047155, 1.0362095, 1.06136425, 1.08579312, 1.1094819, 1.13277995, 1.15472826, 1.17627308,
    1.19703503, 1.21671694, 1.23535898, 1.25364313, 1.27103891, 1.28718029, 1.30302865, 1.31839527, 1.33294817, 1.34700935,
    1.3605727, 1.37345513, 1.38577122, 1.39733504, 1.40856397, 1.41959619, 1.42983624, 1.43958467, 1.44902176, 1.45804831,
    1.46669568, 1.47486938, 1.48269965, 1.49034339, 1.49748214, 1.50435106, 1.51076426, 1.51698915, 1.5229097, 1.528578,
    1.53389835, 1.5391211, 1.5439065, 1.54858517, 1.55310776, 1.55744391, 1.56164927, 1.56566348, 1.56938671, 1.57307767,
    1.57654764, 1.57980083, 1.58304129, 1.58602496, 1.58880681, 1.59162477, 1.5941969, 1.59693155, 1.599446, 1.60185011,
    1.60408668, 1.60627134, 1.60826199, 1.61004547, 1.61192472, 1.61369656, 1.61534074, 1.61688905, 1.61838916, 1.61985374,
    1.62135878, 1.62268119, 1.62390423, 1.62513143, 1.62632463, 1.6274027, 1.62842767, 1.62945532, 1.6303307, 1.63128026,
    1.63204102,
])


def wada_snr(wav):
    eps = 1e-10
    wav = np.array(wav, dtype=np.float64)
    wav = wav / abs(wav).max()
    abs_wav = abs(wav)
    abs_wav[abs_wav < eps] = eps
    v1 = max(eps, abs_wav.mean())
    v2 = np.log(abs_wav).mean()
    v3 = np.log(v1) - v2
    wav_snr_idx = None
    if any(G_VALS < v3):
        wav_snr_idx = np.where(G_VALS < v3)[0].max()
    if wav_snr_idx is None:
        wav_snr = DB_VALS[0]
    elif wav_snr_idx == len(DB_VALS) - 1:
        wav_snr = DB_VALS[-1]
    else:
        wav_snr = DB_VALS[wav_snr_idx] + (v3 - G_VALS[wav_snr_idx]) / (G_VALS[wav_snr_idx + 1] - G_VALS[wav_snr_idx]) * (
            DB_VALS[wav_snr_idx + 1] - DB_VALS[wav_snr_idx])
    d_eng = sum(wav ** 2)
    d_factor = 10 ** (wav_snr / 10)
    d_noise_eng = d_eng / (1 + d_factor)
    d_sig_eng = d_eng * d_factor / (1 + d_factor)
    return float(10 * np.log10(d_sig_eng / d_noise_eng))


def drop_digital_silence(x, min_run):
    """x without its runs of >= min_run exact zeros."""
    zero = np.concatenate(([0], (x == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(zero))
    keep = np.ones(len(x), dtype=bool)
    for start, end in zip(edges[::2], edges[1::2]):
        if end - start >= min_run:
            keep[start:end] = False
    return x[keep]


def gamma_model_g(db_values, samples, seed):
    """G = log E|z| - E log|z| of z = gamma-amplitude speech (alpha 0.4, random sign) + Gaussian noise at each SNR."""
    rng = np.random.default_rng(seed)
    alpha = 0.4
    speech = rng.gamma(alpha, 1.0, samples) * rng.choice([-1.0, 1.0], samples)
    noise = rng.standard_normal(samples)
    power = alpha * (alpha + 1)  # E[x^2] of Gamma(alpha, 1)
    out = []
    for db in db_values:
        z = np.abs(speech + noise * np.sqrt(power / 10 ** (db / 10)))
        z = np.maximum(z / z.max(), 1e-10)
        out.append(float(np.log(z.mean()) - np.log(z).mean()))
    return out


# ---- effective bandwidth ---------------------------------------------------------------------------------

def bandwidth(channels, fs, threshold_db, band_hz):
    nfft = max(64, int(2 ** np.ceil(np.log2(fs / 25))))
    n = channels.shape[1]
    nperseg = min(nfft, n)
    psd = None
    for x in channels:
        # a two-sided 'spectrum' periodogram keeps every bin's plain mean |X|^2 (no one-sided doubling)
        _, p = signal.welch(x - x.mean(), fs=fs, window='hann', nperseg=nperseg, noverlap=nperseg // 2, nfft=nfft,
                            detrend=False, return_onesided=False, scaling='spectrum')
        p = p[: nfft // 2 + 1]
        psd = p if psd is None else psd + p
    bin_hz = fs / nfft
    per_band = max(1, int(round(band_hz / bin_hz)))
    bands = int(np.ceil(len(psd) / per_band))
    power = np.array([psd[b * per_band:(b + 1) * per_band].mean() for b in range(bands)])
    peak = int(np.argmax(power))
    if not power[peak] > 0:
        return 0.0
    above = np.flatnonzero(power[peak:] >= power[peak] * 10 ** (-threshold_db / 10))
    top = peak + int(above.max())
    return float(min(fs / 2, (top + 1) * per_band * bin_hz))


# ---- Silero VAD get_speech_timestamps, after the model calls (silero-vad src/silero_vad/utils_vad.py) -----

def get_speech_timestamps(speech_probs, audio_length_samples, threshold=0.5, sampling_rate=16000, min_speech_duration_ms=250,
                          max_speech_duration_s=float('inf'), min_silence_duration_ms=100, speech_pad_ms=30,
                          neg_threshold=None, min_silence_at_max_speech=98, use_max_poss_sil_at_max_speech=True):
    window_size_samples = 512 if sampling_rate == 16000 else 256
    min_speech_samples = sampling_rate * min_speech_duration_ms / 1000
    speech_pad_samples = sampling_rate * speech_pad_ms / 1000
    max_speech_samples = sampling_rate * max_speech_duration_s - window_size_samples - 2 * speech_pad_samples
    min_silence_samples = sampling_rate * min_silence_duration_ms / 1000
    min_silence_samples_at_max_speech = sampling_rate * min_silence_at_max_speech / 1000

    triggered = False
    speeches = []
    current_speech = {}
    if neg_threshold is None:
        neg_threshold = max(threshold - 0.15, 0.01)
    temp_end = 0
    prev_end = next_start = 0
    possible_ends = []

    for i, speech_prob in enumerate(speech_probs):
        if (speech_prob >= threshold) and temp_end:
            if temp_end != 0:
                sil_dur = (window_size_samples * i) - temp_end
                if sil_dur > min_silence_samples_at_max_speech:
                    possible_ends.append((temp_end, sil_dur))
                temp_end = 0
            if next_start < prev_end:
                next_start = window_size_samples * i

        if (speech_prob >= threshold) and not triggered:
            triggered = True
            current_speech['start'] = window_size_samples * i
            continue

        if triggered and (window_size_samples * i) - current_speech['start'] > max_speech_samples:
            if possible_ends:
                if use_max_poss_sil_at_max_speech:
                    prev_end, dur = max(possible_ends, key=lambda x: x[1])
                else:
                    prev_end, dur = possible_ends[-1]
                current_speech['end'] = prev_end
                speeches.append(current_speech)
                current_speech = {}
                next_start = prev_end + dur
                if next_start < prev_end + window_size_samples * i:
                    current_speech['start'] = next_start
                else:
                    triggered = False
                possible_ends = [p_end for p_end in possible_ends if p_end[0] > next_start]
                prev_end = next_start = temp_end = 0
            else:
                current_speech['end'] = window_size_samples * i
                speeches.append(current_speech)
                current_speech = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                possible_ends = []
                continue

        if (speech_prob < neg_threshold) and triggered:
            if not temp_end:
                temp_end = window_size_samples * i
            if (window_size_samples * i) - temp_end < min_silence_samples:
                continue
            else:
                current_speech['end'] = temp_end
                if (current_speech['end'] - current_speech['start']) > min_speech_samples:
                    speeches.append(current_speech)
                current_speech = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                possible_ends = []
                continue

    if current_speech and (audio_length_samples - current_speech['start']) > min_speech_samples:
        current_speech['end'] = audio_length_samples
        speeches.append(current_speech)

    for i, speech in enumerate(speeches):
        if i == 0:
            speech['start'] = int(max(0, speech['start'] - speech_pad_samples))
        if i != len(speeches) - 1:
            silence_duration = speeches[i + 1]['start'] - speech['end']
            if silence_duration < 2 * speech_pad_samples:
                speech['end'] += int(silence_duration // 2)
                speeches[i + 1]['start'] = int(max(0, speeches[i + 1]['start'] - silence_duration // 2))
            else:
                speech['end'] = int(min(audio_length_samples, speech['end'] + speech_pad_samples))
                speeches[i + 1]['start'] = int(max(0, speeches[i + 1]['start'] - speech_pad_samples))
        else:
            speech['end'] = int(min(audio_length_samples, speech['end'] + speech_pad_samples))
    return [{'start': int(s['start']), 'end': int(s['end'])} for s in speeches]


# ---- DNSMOS/dnsmos_local.py segmenting and polynomials ----------------------------------------------------

def dnsmos_windows(length, fs=16000, input_length=9.01):
    audio = np.arange(length)
    len_samples = int(input_length * fs)
    while len(audio) < len_samples:
        audio = np.append(audio, audio)
    num_hops = int(np.floor(len(audio) / fs) - input_length) + 1
    hop_len_samples = fs
    starts = []
    for idx in range(num_hops):
        audio_seg = audio[int(idx * hop_len_samples): int((idx + input_length) * hop_len_samples)]
        if len(audio_seg) < len_samples:
            continue
        starts.append(int(idx * hop_len_samples))
    return {'repeatedLength': len(audio), 'starts': starts}


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    read = lambda path: np.fromfile(path, dtype='<f4').astype(np.float64)
    out = {}
    if 'wada' in job:
        out['wada'] = {}
        for item in job['wada']:
            x = read(item['file'])
            if item.get('minRun', 0) > 0:
                x = drop_digital_silence(x, item['minRun'])
            out['wada'][item['name']] = wada_snr(x)
    if 'wadaTable' in job:
        t = job['wadaTable']
        dbs = list(range(-20, 101, t['stepDb']))
        out['wadaTable'] = {'db': dbs, 'g': gamma_model_g(dbs, t['samples'], t['seed']), 'table': [float(G_VALS[d + 20]) for d in dbs]}
    if 'bandwidth' in job:
        out['bandwidth'] = {}
        for item in job['bandwidth']:
            channels = read(item['file']).reshape(item['channels'], -1)
            out['bandwidth'][item['name']] = bandwidth(channels, item['sampleRate'], item['thresholdDb'], item['bandHz'])
    if 'vad' in job:
        out['vad'] = {}
        for item in job['vad']:
            probs = [float(p) for p in np.fromfile(item['probs'], dtype='<f4')]
            out['vad'][item['name']] = get_speech_timestamps(probs, item['length'], **item.get('options', {}))
    if 'dnsmosWindows' in job:
        out['dnsmosWindows'] = {str(n): dnsmos_windows(n) for n in job['dnsmosWindows']}
    if 'dnsmosPoly' in job:
        out['dnsmosPoly'] = [
            {label: float(np.poly1d(item['coefficients'][label])(item['raw'][label])) for label in item['raw']}
            for item in job['dnsmosPoly']
        ]
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
