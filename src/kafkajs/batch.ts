/**
 * KafkaJS's `Batch` (what eachBatch gets): a partition's messages from one fetch, with the
 * offset helpers. Built from a kafkats {@link ConsumerBatch}.
 */
import type { ConsumerBatch } from '../consumer/consumer-record.js'
import { toKafkaMessage, type KafkaMessage } from './shapes.js'

export class Batch {
  readonly topic: string
  readonly partition: number
  /** The partition's high watermark when fetched, a decimal string. */
  readonly highWatermark: string
  readonly messages: KafkaMessage[]

  constructor(batch: ConsumerBatch) {
    this.topic = batch.topic
    this.partition = batch.partition
    this.highWatermark = batch.highWatermark.toString()
    this.messages = batch.records.map(toKafkaMessage)
  }

  isEmpty(): boolean {
    return this.messages.length === 0
  }

  /** Offset of the first message, null when empty. */
  firstOffset(): string | null {
    return this.messages.length === 0 ? null : this.messages[0].offset
  }

  /** Offset of the last message; highWatermark − 1 when empty. */
  lastOffset(): string {
    return this.messages.length === 0 ? (BigInt(this.highWatermark) - 1n).toString() : this.messages[this.messages.length - 1].offset
  }

  /** highWatermark − 1 − lastOffset(). */
  offsetLag(): string {
    return (BigInt(this.highWatermark) - 1n - BigInt(this.lastOffset())).toString()
  }

  /** highWatermark − 1 − firstOffset(); '0' when empty. */
  offsetLagLow(): string {
    const first = this.firstOffset()
    return first === null ? '0' : (BigInt(this.highWatermark) - 1n - BigInt(first)).toString()
  }
}
