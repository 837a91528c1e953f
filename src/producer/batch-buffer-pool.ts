/**
 * Reuse of the buffers compressed batches are encoded into before compression. A compressed
 * batch's records are written uncompressed into a buffer of up to `batchSize` bytes, compressed
 * out of it, and the buffer is garbage at once: without reuse, a producer sending 1 GB of
 * compressible records allocates 1 GB of fresh memory, whose page faults and external-memory
 * GCs cost more than the copying (issue 17, produce-1k). The Java client keeps such buffers in
 * its BufferPool for the same reason. Uncompressed batches are not pooled: the finished batch is
 * a view on its buffer and lives until the broker answers.
 */
export class BatchBufferPool {
  /** Size of every pooled buffer: the batch size plus room for the header's slack. */
  readonly size: number
  private readonly maxFree: number
  private readonly free: Buffer[] = []

  /**
   * @param size bytes of each pooled buffer
   * @param maxFree buffers kept for reuse at most; more are left to the garbage collector
   */
  constructor(size: number, maxFree: number) {
    this.size = size
    this.maxFree = maxFree
  }

  /**
   * A buffer for a batch expected to need `capacity` bytes: a pooled one (or a new one of
   * {@link BatchBufferPool.size} that can join the pool later) when `capacity` is at least half
   * of it, else `capacity` itself, for the builder to allocate (small batches are not pooled).
   */
  take(capacity: number): Buffer | number {
    if (capacity > this.size || capacity * 2 < this.size) return capacity
    return this.free.pop() ?? Buffer.allocUnsafe(this.size)
  }

  /** Gives back a buffer nothing refers to any more; kept when it has the pool's size and there is room. */
  give(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.maxFree) this.free.push(buf)
  }

  /** Buffers waiting for reuse. */
  get freeCount(): number {
    return this.free.length
  }
}
