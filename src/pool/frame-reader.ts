/**
 * Kafka framing (int32 size + payload, protocol guide "Protocol Framing") read straight from the
 * socket into the buffers frames are handed out in: `net.Socket`'s `onread` option lets us say
 * where each read lands. A large response (a Fetch of megabytes) is read into one buffer of its
 * exact size, so its bytes are never copied on the way to the decoder; small responses are read
 * into 64 KiB chunks and handed out as views of them. {@link FrameSplitter} does the same for
 * streams that only emit chunks (TLS, proxies, a user's socket), copying a frame that spans chunks.
 *
 * Bytes handed out are never written again: reads go on after them in the same chunk, or into a
 * new chunk (copying at most a frame header's few bytes, or a small frame that did not fit).
 */
import { KafkaProtocolError } from '../errors.js'

const CHUNK_BYTES = 64 * 1024
/** Frames above this go into a buffer of their own; smaller ones that do not fit move to a new chunk. */
const OWN_BUFFER_FROM = 16 * 1024
/** Below this much room left, a chunk with nothing pending is replaced rather than read into. */
const MIN_READ_BYTES = 4 * 1024
const EMPTY = Buffer.alloc(0)

export class FrameReader {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES)
  /** First byte of the chunk not yet handed out or parsed. */
  private start = 0
  /** Bytes of the chunk written by reads. */
  private filled = 0
  /** The frame being read into its own buffer, or null. */
  private frame: Buffer | null = null
  private frameFilled = 0

  /**
   * @param onFrame called with each complete frame's payload (without the size prefix); a throw
   *   from it propagates out of {@link read}.
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
  ) {}

  /** Bytes received but not yet handed out as frames. */
  get pending(): number {
    return this.frame !== null ? this.frameFilled + 4 : this.filled - this.start
  }

  /** Where the next read writes (net.Socket's `onread.buffer`). */
  next(): Buffer {
    if (this.frame !== null) return this.frame.subarray(this.frameFilled)
    return this.chunk.subarray(this.filled)
  }

  /**
   * `n` bytes were read into the buffer {@link next} returned: hands out every frame complete now.
   * @throws KafkaProtocolError on a size prefix that is negative or above the limit.
   */
  read(n: number): void {
    const frame = this.frame
    if (frame !== null) {
      this.frameFilled += n
      if (this.frameFilled < frame.length) return
      this.frame = null
      this.frameFilled = 0
      this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES)
      this.start = 0
      this.filled = 0
      this.onFrame(frame)
      return
    }
    this.filled += n
    this.parse()
  }

  private parse(): void {
    const chunk = this.chunk
    for (;;) {
      const available = this.filled - this.start
      if (available < 4) break
      const size = chunk.readInt32BE(this.start)
      if (size < 0 || size > this.maxFrameBytes) {
        throw new KafkaProtocolError(`frame size ${size} outside [0, ${this.maxFrameBytes}] bytes`, 0)
      }
      if (available - 4 >= size) {
        const at = this.start + 4
        this.start = at + size
        this.onFrame(size === 0 ? EMPTY : chunk.subarray(at, at + size))
        continue
      }
      if (4 + size <= chunk.length - this.start) break // the rest arrives in this chunk
      if (size >= OWN_BUFFER_FROM) {
        const own = Buffer.allocUnsafe(size)
        chunk.copy(own, 0, this.start + 4, this.filled)
        this.frame = own
        this.frameFilled = available - 4
        this.start = this.filled
        return
      }
      this.moveToNewChunk()
      return
    }
    // Little room left and no frame under way (at most a size prefix's first bytes): a new chunk.
    // A frame under way that fits finishes here, however little room it needs.
    if (this.chunk.length - this.filled < MIN_READ_BYTES && this.filled - this.start < 4) this.moveToNewChunk()
  }

  /** Starts a new chunk holding the pending bytes (a header's few, or a small frame's start). */
  private moveToNewChunk(): void {
    const next = Buffer.allocUnsafeSlow(CHUNK_BYTES)
    const pending = this.chunk.copy(next, 0, this.start, this.filled)
    this.chunk = next
    this.start = 0
    this.filled = pending
  }
}
