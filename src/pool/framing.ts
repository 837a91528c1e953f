/**
 * Splits a byte stream into Kafka frames (int32 size + payload, protocol guide "Protocol
 * Framing"). Chunks are kept as received and copied once, only when a frame spans chunks.
 * A size prefix that is negative or above the limit is rejected before anything is allocated.
 */
import { KafkaProtocolError } from '../errors.js'

const EMPTY = Buffer.alloc(0)

export class FrameSplitter {
  private chunks: Buffer[] = []
  private buffered = 0
  private frameSize = -1

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as frames. */
  get pending(): number {
    return this.buffered
  }

  /**
   * Adds a chunk and calls `onFrame` for every complete frame (payload without the size prefix).
   * Throws KafkaProtocolError on a bad size prefix.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return
        const size = this.readSize()
        if (size < 0 || size > this.maxFrameBytes) {
          throw new KafkaProtocolError(`frame size ${size} outside [0, ${this.maxFrameBytes}] bytes`, 0)
        }
        this.consume(4)
        this.frameSize = size
      }
      if (this.buffered < this.frameSize) return
      const frame = this.take(this.frameSize)
      this.frameSize = -1
      onFrame(frame)
    }
  }

  private readSize(): number {
    const first = this.chunks[0]
    if (first.length >= 4) return first.readInt32BE(0)
    const head = Buffer.allocUnsafe(4)
    let n = 0
    for (const c of this.chunks) {
      const k = Math.min(4 - n, c.length)
      c.copy(head, n, 0, k)
      n += k
      if (n === 4) break
    }
    return head.readInt32BE(0)
  }

  private consume(n: number): void {
    this.buffered -= n
    while (n > 0) {
      const first = this.chunks[0]
      if (first.length <= n) {
        n -= first.length
        this.chunks.shift()
      } else {
        this.chunks[0] = first.subarray(n)
        n = 0
      }
    }
  }

  private take(n: number): Buffer {
    if (n === 0) return EMPTY
    const first = this.chunks[0]
    if (first.length >= n) {
      const frame = first.subarray(0, n)
      this.consume(n)
      return frame
    }
    const frame = Buffer.allocUnsafe(n)
    let off = 0
    while (off < n) {
      const c = this.chunks[0]
      const k = Math.min(n - off, c.length)
      c.copy(frame, off, 0, k)
      off += k
      this.consume(k)
    }
    return frame
  }
}
