import type { Exemplar } from '../scrape/exemplars';
import type { PrometheusVerdict } from '../scrape/promVerdict';
import { Sample, SourceProblem, TargetState } from '../model';

/** What every source sees at a tick. */
export interface TickContext {
  readonly nowMs: number;
  readonly target: TargetState;
}

export interface SourceOutput {
  readonly samples: readonly Sample[];
  readonly problems: readonly SourceProblem[];
  /** The metrics scrape only: what Prometheus would do with the body it read. */
  readonly prometheusVerdict?: PrometheusVerdict;
  /** The metrics scrape only: exemplars on its histograms that name a trace. */
  readonly exemplars?: readonly Exemplar[];
}

/**
 * One kind of data the collector gathers each tick (the process, the system, the
 * server's /metrics). A source fails alone: its error becomes a problem sentence
 * and the others' samples are still stored.
 */
export interface TickSource {
  readonly id: string;
  collect(ctx: TickContext): Promise<SourceOutput>;
  /**
   * The same output, synchronously, when this tick's work is (kept-open /proc reads,
   * the store); undefined when it has to wait, and the collector calls collect(). A
   * tick runs once a second for as long as the extension host lives: a source that
   * answers now costs it no promises.
   */
  collectNow?(ctx: TickContext): SourceOutput | undefined;
  dispose?(): void;
}

export const EMPTY_OUTPUT: SourceOutput = Object.freeze({ samples: [], problems: [] });
