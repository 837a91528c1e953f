/**
 * One gateway connection's group member: a kafkats group consumer (made from the gateway's one
 * `Kafka`), the records it polled and not yet handed out by BLPOP, what each owned partition
 * handed out, and the acks waiting for their commit.
 *
 * Acks: `RPUSH acks t:p:o` asks to commit o+1. It is accepted only for a partition this member
 * owns and a record handed out to this connection since it got the partition; the reply waits
 * for the commit (acks of a connection are coalesced into one OffsetCommit, through the
 * consumer's own commit path, src/offsets/), so `:1` means committed. When a rebalance revoked
 * the partition, the ack is answered with an error and nothing stale is committed.
 */
import type { Consumer } from '../consumer/consumer.js'
import { StaleCommitError } from '../consumer/consumer-errors.js'
import type { ConsumerRecord, RebalanceEvent } from '../consumer/consumer-record.js'
import { partitionKey } from '../offsets/topic-partition.js'

/** What one owned partition handed out since this member got it. */
interface Progress {
  /** Offset the partition was (re)assigned at: acks below it are from an earlier ownership. */
  start: bigint
  /** Next offset BLPOP hands out: acks must be below it. */
  handed: bigint
  /** Offset after the last record polled from the consumer (buffered or handed out). */
  polled: bigint
}

/** An ack waiting for its commit; `done` is called once with null (committed) or the error text. */
export interface AckWaiter {
  done(error: string | null): void
}

interface PendingAck {
  topic: string
  partition: number
  /** The ownership the acked records were handed out under: the commit is for it alone. */
  progress: Progress
  /** The offset to commit (last acked + 1). */
  offset: bigint
  waiters: AckWaiter[]
}

export class GatewayMember {
  private buffer: ConsumerRecord[] = []
  private head = 0
  private readonly progress = new Map<string, Progress>()
  private pending = new Map<string, PendingAck>()
  private committing: Promise<void> | null = null
  private closed = false

  /**
   * @param consumer the member's consumer (group = the connection's SETNAME group)
   * @param id Rafka's consumer id: `<group>:<name>|<topics>`
   */
  constructor(
    readonly consumer: Consumer,
    readonly id: string,
  ) {}

  /**
   * The next record of a partition this member owns, polling the consumer up to `timeoutMs`
   * (Infinity: until one comes); null on timeout or abort.
   * @throws the consumer's error (KafkaError), ClosedError after close
   */
  async next(timeoutMs: number, signal: AbortSignal): Promise<ConsumerRecord | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const r = this.take()
      if (r !== null) return r
      const left = deadline - Date.now()
      if (left <= 0 || signal.aborted) return null
      const event = await this.consumer.poll(left, { signal })
      if (event.type === 'rebalance') this.rebalanced(event)
      else if (event.type === 'records' && event.records.length > 0) this.buffered(event.records)
    }
  }

  /** A record already polled, if one is buffered: BLPOP answers it without waiting. */
  take(): ConsumerRecord | null {
    const buffer = this.buffer
    while (this.head < buffer.length) {
      const r = buffer[this.head]
      buffer[this.head++] = undefined as unknown as ConsumerRecord
      const p = this.progress.get(partitionKey(r.topic, r.partition))
      // Revoked in the background (its rebalance event not yet polled), or given back at an
      // offset at or below this record (the consumer hands it out again): never hand it out.
      const position = this.consumer.position(r.topic, r.partition)
      if (p === undefined || position === undefined || position <= r.offset) continue
      p.handed = r.offset + 1n
      return r
    }
    this.buffer = []
    this.head = 0
    return null
  }

  private buffered(records: ConsumerRecord[]): void {
    if (this.head >= this.buffer.length) {
      this.buffer = records
      this.head = 0
    } else {
      for (const r of records) this.buffer.push(r)
    }
    for (const r of records) {
      const key = partitionKey(r.topic, r.partition)
      let p = this.progress.get(key)
      if (p === undefined) {
        p = { start: r.offset, handed: r.offset, polled: r.offset }
        this.progress.set(key, p)
      }
      p.polled = r.offset + 1n
    }
  }

  /**
   * A rebalance: a partition kept at the offset where polling stopped (cooperative) keeps its
   * buffered records and handed-out range; any other owned partition starts afresh at its new
   * start offset (its buffered records are dropped: the consumer reads them again from there).
   */
  private rebalanced(event: RebalanceEvent): void {
    const next = new Map<string, Progress>()
    for (const topic of Object.keys(event.assignment)) {
      const parts = event.assignment[topic]
      for (const partition of Object.keys(parts)) {
        const key = partitionKey(topic, Number(partition))
        const start = parts[Number(partition)]
        const old = this.progress.get(key)
        next.set(key, old !== undefined && old.polled === start ? old : { start, handed: start, polled: start })
      }
    }
    const kept: ConsumerRecord[] = []
    for (let i = this.head; i < this.buffer.length; i++) {
      const r = this.buffer[i]
      const key = partitionKey(r.topic, r.partition)
      if (next.get(key) === this.progress.get(key) && next.has(key)) kept.push(r)
    }
    this.progress.clear()
    for (const [k, v] of next) this.progress.set(k, v)
    this.buffer = kept
    this.head = 0
  }

  /**
   * Queues an ack of `offset`: `waiter.done` is called once the commit of offset+1 settled.
   * @returns an error text (Rafka's `CONS` wording) when the ack is refused at once, else null
   */
  ack(topic: string, partition: number, offset: bigint, waiter: AckWaiter): string | null {
    const key = partitionKey(topic, partition)
    const p = this.progress.get(key)
    if (p === undefined) return `CONS ${topic}:${partition} is not assigned to this consumer (revoked by a rebalance?); offset ${offset} not committed`
    if (offset < p.start || offset >= p.handed) {
      return `CONS ${topic}:${partition}:${offset} was not handed out to this consumer since it got the partition; not committed`
    }
    let a = this.pending.get(key)
    if (a !== undefined && a.progress !== p) {
      // Acks from an ownership a rebalance ended, not yet sent: never committed under this one.
      settle(a, revokedText(a))
      a = undefined
    }
    if (a === undefined) {
      a = { topic, partition, progress: p, offset: offset + 1n, waiters: [] }
      this.pending.set(key, a)
    } else if (offset + 1n > a.offset) a.offset = offset + 1n
    a.waiters.push(waiter)
    if (this.committing === null) this.committing = this.commitLoop()
    return null
  }

  /** Commits pending acks until none is left (acks arriving meanwhile join the next commit). */
  private async commitLoop(): Promise<void> {
    // Let the acks of one pipelined read join this commit.
    await new Promise<void>((resolve) => setImmediate(resolve))
    try {
      while (this.pending.size > 0) {
        const batch = this.pending
        this.pending = new Map()
        await this.commitBatch(batch)
      }
    } finally {
      this.committing = null
    }
  }

  private async commitBatch(batch: Map<string, PendingAck>): Promise<void> {
    let left = [...batch.values()]
    for (let attempt = 0; attempt < 2 && left.length > 0; attempt++) {
      // Committed only while the ownership the records were handed out under goes on: not after
      // a rebalance this member saw (the partition revoked, or given back afresh), nor after
      // one it has not polled yet that moved the consumer back to the committed offset, below
      // the ack (the records are read again from there, so the ack must not move it). Checked
      // in the same tick as the commit takes its generation: a rebalance after it fails the
      // commit at the coordinator.
      left = left.filter((a) => {
        const position = this.consumer.position(a.topic, a.partition)
        if (this.progress.get(partitionKey(a.topic, a.partition)) === a.progress && position !== undefined && position >= a.offset) return true
        settle(a, revokedText(a))
        return false
      })
      if (left.length === 0) return
      try {
        await this.consumer.commit(left.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset })))
        for (const a of left) settle(a, null)
        return
      } catch (err) {
        if (err instanceof StaleCommitError) {
          const named = new Set(err.partitions.map((p) => partitionKey(p.topic, p.partition)))
          const refused = left.filter((a) => named.has(partitionKey(a.topic, a.partition)))
          const local = err.code === 'STALE_GENERATION'
          for (const a of refused) {
            // Found locally: the consumer no longer owns it. Only the ownership the ack came from
            // ends here (a later one, from a rebalance already polled, stays).
            const key = partitionKey(a.topic, a.partition)
            if (local && this.progress.get(key) === a.progress) this.progress.delete(key)
            settle(a, revokedText(a))
          }
          const rest = left.filter((a) => !named.has(partitionKey(a.topic, a.partition)))
          // A locally found stale partition stops the whole commit before it is sent: the rest again.
          if (local) {
            left = rest
            continue
          }
          for (const a of rest) settle(a, `CONS ${err.message}`)
          return
        }
        for (const a of left) settle(a, `CONS Commit failed: ${(err as Error).message}`)
        return
      }
    }
    for (const a of left) settle(a, 'CONS Commit failed: the group rebalanced twice during the commit')
  }

  /** Resolves once every ack given so far has its commit settled. */
  async drain(): Promise<void> {
    while (this.committing !== null) await this.committing
  }

  /** Commits what is acked, then leaves the group (consumer.stop). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.drain()
    this.closed = true
    await this.drain()
    await this.consumer.stop()
  }
}

function revokedText(a: PendingAck): string {
  return `CONS ${a.topic}:${a.partition} was revoked by a rebalance; offset ${a.offset - 1n} not committed`
}

function settle(a: PendingAck, error: string | null): void {
  for (const w of a.waiters) w.done(error)
  a.waiters.length = 0
}
