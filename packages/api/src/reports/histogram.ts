/**
 * Durations kept as counts in logarithmic buckets: bucket 0 holds durations under a second, bucket
 * b >= 1 holds [2^((b-1)/8), 2^(b/8)) seconds. A percentile is read as the geometric middle of the
 * bucket holding it, so it is within a factor 2^(1/16) (4.4%) of the exact one (percentile_disc),
 * then rounded to whole seconds; under a second it reads 0. The buckets are computed in SQL by
 * report_duration_bucket (migration 2026_12_07_0004), with the same 8 buckets per doubling.
 */
export const BUCKETS_PER_DOUBLING = 8;
/** The largest relative error of a percentile read from the buckets (before rounding to seconds). */
export const RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

const middleOf = (bucket: number) => (bucket === 0 ? 0 : Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING)));

/** The p-th percentile (0 < p <= 1) of the counts, in seconds; null when there are none. */
export function percentile(buckets: ReadonlyArray<{ bucket: number; count: number }>, p: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, { count }) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const { bucket, count } of sorted) {
    seen += count;
    if (seen >= rank) return middleOf(bucket);
  }
  return middleOf(sorted.at(-1)!.bucket);
}
