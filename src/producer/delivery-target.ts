/**
 * Who waits for a record: the promise of one `send`, or the shared promise of a `sendBatch`.
 * A batch keeps one target and an index per record instead of a closure per record.
 *
 * `handled` (the producer has `onDeliveryError`): a failure nobody awaits is not an unhandled
 * rejection, the hook handles it (fire and forget). A caller who awaits still gets the rejection.
 */
import { producerSendChannel, type ProducerSendContext } from '../diagnostics.js'
import type { KafkaError } from '../errors.js'
import type { RecordMetadata } from './producer-record.js'

const ignore = (): void => {}

export interface DeliveryTarget {
  delivered(index: number, meta: RecordMetadata): void
  failed(index: number, error: KafkaError): void
}

/** The target of one `send`: settles its promise. */
export class SingleDelivery implements DeliveryTarget {
  readonly promise: Promise<RecordMetadata>
  private resolve!: (meta: RecordMetadata) => void
  private reject!: (error: KafkaError) => void

  constructor(private readonly handled = false) {
    this.promise = new Promise<RecordMetadata>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  delivered(_index: number, meta: RecordMetadata): void {
    this.resolve(meta)
  }

  failed(_index: number, error: KafkaError): void {
    // Marked handled only on failure: the success path stays allocation-free.
    if (this.handled) this.promise.catch(ignore)
    this.reject(error)
  }
}

/** The target of one `sendBatch`: resolves with every record's metadata in input order, or rejects with the first failure. */
export class GroupDelivery implements DeliveryTarget {
  readonly promise: Promise<RecordMetadata[]>
  private readonly results: RecordMetadata[]
  private remaining: number
  private done = false
  private resolve!: (metas: RecordMetadata[]) => void
  private reject!: (error: KafkaError) => void

  constructor(
    count: number,
    private readonly handled = false,
  ) {
    this.results = new Array<RecordMetadata>(count)
    this.remaining = count
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    if (count === 0) {
      this.done = true
      this.resolve(this.results)
    }
  }

  delivered(index: number, meta: RecordMetadata): void {
    this.results[index] = meta
    if (--this.remaining === 0 && !this.done) {
      this.done = true
      this.resolve(this.results)
    }
  }

  failed(_index: number, error: KafkaError): void {
    this.remaining--
    if (!this.done) {
      this.done = true
      if (this.handled) this.promise.catch(ignore)
      this.reject(error)
    }
  }
}

/**
 * A record's target while someone subscribes to `kafkats:producer:send` (src/diagnostics.ts):
 * publishes the record's outcome on the tracing channel, then settles the real target. Made
 * only when the channel has subscribers, so the plain path allocates nothing for it.
 */
export class ObservedDelivery implements DeliveryTarget {
  constructor(
    private readonly inner: DeliveryTarget,
    private readonly context: ProducerSendContext,
  ) {}

  delivered(index: number, meta: RecordMetadata): void {
    const c = this.context
    c.partition = meta.partition
    c.offset = meta.offset
    c.result = meta
    producerSendChannel.asyncStart.publish(c)
    producerSendChannel.asyncEnd.publish(c)
    this.inner.delivered(index, meta)
  }

  failed(index: number, error: KafkaError): void {
    const c = this.context
    c.error = error
    // As TracingChannel.tracePromise does on a rejection: error, then asyncStart and asyncEnd.
    producerSendChannel.error.publish(c)
    producerSendChannel.asyncStart.publish(c)
    producerSendChannel.asyncEnd.publish(c)
    this.inner.failed(index, error)
  }
}
