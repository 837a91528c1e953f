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
 * rejected by `send` before anything is sent. Also a record the broker rejected with
 * MESSAGE_TOO_LARGE alone in its batch (larger than the topic's `max.message.bytes`), after the
 * producer split the batch it was in: then `partition` is set and `cause` is the broker's
 * `ResponseError`.
 */
export class RecordTooLargeError extends KafkaError {
  readonly topic: string
  /** The partition the broker rejected it for; -1 when `send` rejected it. */
  readonly partition: number
  /** Encoded size in bytes: estimated by `send`, or the size of its batch as sent to the broker. */
  readonly size: number

  constructor(message: string, topic: string, size: number, partition = -1, cause?: unknown) {
    super(message, { code: 'MESSAGE_TOO_LARGE', retriable: false, cause })
    this.topic = topic
    this.partition = partition
    this.size = size
  }
}
