import { ShownForecast } from '../core/analyze/forecast';
import { formatDuration } from '../core/format';

/** The most urgent forecast as one sentence for the status bar tooltip ("process memory reaches … in ~12 min"). */
export function forecastSentence(forecasts: readonly ShownForecast[]): string | undefined {
  const first = [...forecasts].sort((a, b) => a.etaRoundedMs - b.etaRoundedMs)[0];
  if (!first) {
    return undefined;
  }
  return `${first.forecast.what} reaches ${first.forecast.limitLabel} in ~${formatDuration(first.etaRoundedMs)}`;
}
