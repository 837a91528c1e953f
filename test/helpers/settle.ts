/**
 * How a promise settled, or 'hung' when it did not within `hangGuardMs`: lets a test assert that
 * an error path settles every promise (none left pending) without an upper-bound timing assert
 * on the path itself. Not a test itself.
 */
export type Settled<T> = { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } | { state: 'hung' }

export async function settle<T>(p: Promise<T>, hangGuardMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<{ state: 'hung' }>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'hung' }), hangGuardMs)
  })
  try {
    return await Promise.race([p.then((value) => ({ state: 'resolved' as const, value }), (error: unknown) => ({ state: 'rejected' as const, error })), guard])
  } finally {
    clearTimeout(timer)
  }
}
