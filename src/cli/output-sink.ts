/**
 * Writes to stdout honouring backpressure (waits for `drain` when the stream's buffer is full)
 * and treats a closed reader (`EPIPE`, e.g. `kafkats consume … | head`) as a quiet stop.
 */
import type { Writable } from 'node:stream'

export class OutputSink {
  private broken = false
  private waiters: (() => void)[] = []

  /** @param onClosed called once when the reader went away (EPIPE); the command should stop. */
  constructor(
    private readonly stream: Writable,
    private readonly onClosed: () => void = () => {},
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // Any write error means no one reads our output any more: stop, don't crash.
      if (!this.broken) {
        this.broken = true
        if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') process.stderr.write(`kafkats: output: ${err.message}\n`)
        this.onClosed()
      }
      this.release()
    })
    stream.on('drain', () => this.release())
  }

  /** Whether the reader went away. */
  get closed(): boolean {
    return this.broken
  }

  private release(): void {
    const w = this.waiters
    this.waiters = []
    for (const resolve of w) resolve()
  }

  /** Writes a chunk; the promise is pending only while the stream's buffer is full. */
  write(chunk: Buffer | string): Promise<void> | undefined {
    if (this.broken) return undefined
    if (this.stream.write(chunk)) return undefined
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Resolves once everything written so far is handed to the OS (or the reader is gone). */
  async flush(): Promise<void> {
    if (this.broken || !this.stream.writableNeedDrain) return
    await new Promise<void>((resolve) => this.waiters.push(resolve))
  }
}
