/** The detectors the NAB bench runs, each made fresh per file. */
import { ewmaScores, robustScores } from '../../src/core/analyze/anomaly';
import { DEFAULT_ANOMALY_THRESHOLD, StreamingAnomalyDetector } from '../../src/core/analyze/streaming';
import { NullDetector, ScoreStream, WindowedGaussian } from './baselines';

export interface BenchDetector {
  readonly id: string;
  readonly label: string;
  create(): ScoreStream;
  /** A detector that scores a whole file at once (still from the past only, by construction). */
  scoreFile?(values: Float64Array): Float64Array;
  /** The threshold the product ships, when the detector is the product's. */
  readonly defaultThreshold?: number;
  /** NAB's published scoreboard (standard, low FP, low FN) for reference detectors. */
  readonly published?: readonly [number, number, number];
}

function absOrZero(z: Float64Array): Float64Array {
  return z.map((x) => (Number.isFinite(x) ? Math.abs(x) : 0));
}

export const BENCH_DETECTORS: readonly BenchDetector[] = [
  { id: 'null', label: 'Null (constant 0.5)', create: () => new NullDetector(), published: [0, 0, 0] },
  { id: 'windowedGaussian', label: 'Windowed Gaussian (NAB baseline, ours)', create: () => new WindowedGaussian(), published: [39.6, 20.9, 47.4] },
  {
    id: 'streaming',
    label: 'this project: streaming, calibrated (shipped)',
    create: () => {
      const d = new StreamingAnomalyDetector();
      return { update: (t, v) => d.update(t, v).score };
    },
    defaultThreshold: DEFAULT_ANOMALY_THRESHOLD,
  },
  {
    id: 'legacyRobust',
    label: 'before: rolling median/MAD z-score',
    create: () => new NullDetector(),
    scoreFile: (v) => absOrZero(robustScores(v)),
    defaultThreshold: 3.5,
  },
  {
    id: 'legacyEwma',
    label: 'before: EWMA z-score',
    create: () => new NullDetector(),
    scoreFile: (v) => absOrZero(ewmaScores(v)),
    defaultThreshold: 3.5,
  },
];
