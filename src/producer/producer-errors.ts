/** Errors only the producer raises; both are {@link KafkaError}s. */
import { KafkaError } from '../errors.js'

/**
 * A record was not acknowledged within `deliveryTimeoutMs` (Java's delivery.timeout.ms): it
 * waited for buffer memory, topic metadata, a leader, or retries too long. `cause` holds the
 * last error seen, if any. Not retriable by the producer; the record may or may not be written
 * when it had been sent before the deadline.
 */
export class DeliveryTimeoutError extends KafkaError {
  readonly topic: string
  readonly partition: number

  constructor(message: string, topic: string, partition: number, cause?: unknown) {
    super(message, { code: 'DELIVERY_TIMEOUT', retriable: false, cause })
    this.topic = topic
    this.partition = partition
  }
}

/**
 * A record is larger than `maxRequestSize` or `bufferMemory` (Java's RecordTooLargeException):
 * rejected by `send` before anything is sent.
 */
export class RecordTooLargeError extends KafkaError {
  readonly topic: string
  /** Estimated encoded size in bytes. */
  readonly size: number

  constructor(message: string, topic: string, size: number) {
    super(message, { code: 'MESSAGE_TOO_LARGE', retriable: false })
    this.topic = topic
    this.size = size
  }
}
