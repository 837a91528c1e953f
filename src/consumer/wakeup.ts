/**
 * A level-free wake-up: waiters resolve on the next `notify()`, a timeout or an abort. Used by
 * poll and the iterator to sleep until data, a rebalance, an error or stop.
 */
export class Wakeup {
  private waiters: (() => void)[] = []

  /** Wakes every current waiter. */
  notify(): void {
    const w = this.waiters
    if (w.length === 0) return
    this.waiters = []
    for (const f of w) f()
  }

  /** Resolves on the next notify, after `timeoutMs` (when finite), or when `signal` aborts. */
  wait(timeoutMs = Infinity, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        const i = this.waiters.indexOf(done)
        if (i >= 0) this.waiters.splice(i, 1)
        resolve()
      }
      if (signal?.aborted) {
        resolve()
        return
      }
      this.waiters.push(done)
      if (Number.isFinite(timeoutMs)) timer = setTimeout(done, Math.max(0, timeoutMs))
      signal?.addEventListener('abort', done, { once: true })
    })
  }
}
