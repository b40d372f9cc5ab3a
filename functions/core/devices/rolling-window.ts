/**
 * The baseline a reading is judged against: the last `size` normal readings of one
 * asset's metric, kept in the table as they are (at most 100 numbers, so the item
 * stays around a kilobyte and one write unit or two).
 *
 * Why the readings themselves and not an EWMA or a running Welford sum: the window
 * is exact (a reading leaves after `size` others, so an old regime is forgotten
 * completely and an operator can be told "4.1σ above the last 30 readings"), a
 * change of window size re-reads what is there instead of guessing, and the mean
 * and variance are recomputed from the readings on every judgement with Welford's
 * one-pass update, which is numerically stable and cannot drift the way an
 * incrementally maintained sum of squares does over millions of readings.
 */
export interface RollingWindow {
  /** Oldest first. */
  readonly values: readonly number[];
}

export interface WindowStats {
  readonly count: number;
  readonly mean: number;
  /** Sample variance (n - 1); 0 below two readings. */
  readonly variance: number;
  readonly stdDev: number;
}

export const EMPTY_WINDOW: RollingWindow = { values: [] };

/** The window after `value` joins it, holding at most `size` readings. */
export function pushReading(window: RollingWindow, value: number, size: number): RollingWindow {
  const values = [...window.values, value];
  return { values: values.length > size ? values.slice(values.length - size) : values };
}

/** Mean and variance by Welford's update over the readings. */
export function statsOf(window: RollingWindow): WindowStats {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of window.values) {
    count += 1;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  const variance = count > 1 ? Math.max(0, m2 / (count - 1)) : 0;
  return { count, mean, variance, stdDev: Math.sqrt(variance) };
}

/**
 * How many standard deviations `value` lies from the window's mean. A window with
 * no spread at all (a sensor reading the same value for hours) makes any other
 * value infinitely far: the reading is as unusual as it can be.
 */
export function zScore(stats: WindowStats, value: number): number {
  const offset = value - stats.mean;
  if (stats.stdDev === 0) return offset === 0 ? 0 : Math.sign(offset) * Number.POSITIVE_INFINITY;
  return offset / stats.stdDev;
}
