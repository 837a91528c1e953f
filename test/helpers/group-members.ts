/**
 * Runs group consumers in the background for tests: a poll loop per member that records its
 * rebalance events and records, and stops cleanly.
 */
import type { Consumer } from '../../src/consumer/consumer.js'
import type { ConsumerRecord, RebalanceEvent } from '../../src/consumer/consumer-record.js'
import type { ConsumerOptions } from '../../src/consumer/consumer-options.js'
import type { Kafka } from '../../src/client.js'

export interface Member {
  name: string
  kafka: Kafka
  consumer: Consumer
  rebalances: RebalanceEvent[]
  records: ConsumerRecord[]
  /** Errors thrown by poll or commit. */
  errors: unknown[]
  /** Latest assignment: topic → partitions. */
  partitions(): Map<string, number[]>
  stop(): Promise<void>
}

/**
 * Starts a member polling in a loop. Members are built from the `kafka` given, as users do:
 * several members of one `Kafka` instance (each consumer owns its own connections).
 */
export function startMember(kafka: Kafka, name: string, options: ConsumerOptions, hooks: { commit?: boolean; onRecords?: (m: Member, rs: ConsumerRecord[]) => void } = {}): Member {
  const consumer = kafka.consumer(options)
  let running = true
  const m: Member = {
    name,
    kafka,
    consumer,
    rebalances: [],
    records: [],
    errors: [],
    partitions() {
      const last = m.rebalances[m.rebalances.length - 1]
      const out = new Map<string, number[]>()
      if (!last) return out
      for (const [topic, ps] of Object.entries(last.assignment)) out.set(topic, Object.keys(ps).map(Number).sort((a, b) => a - b))
      return out
    },
    async stop() {
      running = false
      await loop
      await consumer.stop()
    },
  }
  const loop = (async () => {
    while (running) {
      try {
        const ev = await consumer.poll(200)
        if (ev.type === 'rebalance') m.rebalances.push(ev)
        else if (ev.type === 'records' && ev.records.length > 0) {
          m.records.push(...ev.records)
          hooks.onRecords?.(m, ev.records)
          if (hooks.commit) await consumer.commit()
        }
      } catch (err) {
        m.errors.push(err)
        if ((err as { code?: string }).code === 'CLIENT_CLOSED') return
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  })()
  return m
}

/** Waits until `check` is true, polling every 50 ms; throws after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Whether all members saw a rebalance to the same (latest) generation. */
export function settled(members: readonly Member[]): boolean {
  const gens = members.map((m) => m.rebalances[m.rebalances.length - 1]?.generationId ?? -1)
  return gens[0] >= 0 && gens.every((g) => g === gens[0])
}
