// Median and spread of repeated runs.

export interface Spread {
  median: number
  min: number
  max: number
}

/** Median (mean of the middle two for an even count), min and max; NaN for no values. */
export function spread (values: number[]): Spread {
  const v = values.filter(x => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN }
  const mid = v.length >> 1
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
  return { median, min: v[0], max: v[v.length - 1] }
}
