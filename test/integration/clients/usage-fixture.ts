/**
 * The usage suite's fixture: group members, a producer and an admin loop, all made from ONE
 * `Kafka` instance, as users build them (issue 11). Not a test file itself.
 */
import type { Admin } from '../../../src/admin/admin.js'
import type { Kafka } from '../../../src/client.js'
import { ClosedError } from '../../../src/errors.js'
import type { Consumer } from '../../../src/consumer/consumer.js'
import type { ConsumerOptions } from '../../../src/consumer/consumer-options.js'
import type { RebalanceEvent } from '../../../src/consumer/consumer-record.js'
import { uniqueTopic } from '../../helpers/cluster.js'

export interface UsageMember {
  name: string
  consumer: Consumer
  rebalances: RebalanceEvent[]
  /** `partition:offset` of every record handed out, in order. */
  seen: string[]
  /** Record indexes (the value) handed out. */
  values: number[]
  errors: unknown[]
  /** Partitions of `topic` owned after the latest rebalance. */
  owned(topic: string): number[]
  stop(): Promise<void>
}

/** A group member polling (and committing) in a loop, from the shared `kafka`. */
export function startUsageMember(kafka: Kafka, name: string, options: ConsumerOptions): UsageMember {
  const consumer = kafka.consumer(options)
  let running = true
  const m: UsageMember = {
    name,
    consumer,
    rebalances: [],
    seen: [],
    values: [],
    errors: [],
    owned(topic) {
      const last = m.rebalances[m.rebalances.length - 1]
      return last === undefined ? [] : Object.keys(last.assignment[topic] ?? {}).map(Number).sort((a, b) => a - b)
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
          for (const r of ev.records) {
            m.seen.push(`${r.partition}:${r.offset}`)
            m.values.push(Number(r.value?.toString()))
          }
          await consumer.commit()
        }
      } catch (err) {
        m.errors.push(err)
        if (err instanceof ClosedError) return
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  })()
  return m
}

/** Whether every member's latest rebalance is of one generation and together they own `partitions` once each. */
export function splitEvenly(members: readonly UsageMember[], topic: string, partitions: number): boolean {
  const gens = members.map((m) => m.rebalances[m.rebalances.length - 1]?.generationId ?? -1)
  if (gens[0] < 0 || !gens.every((g) => g === gens[0])) return false
  const all = members.flatMap((m) => m.owned(topic)).sort((a, b) => a - b)
  return all.length === partitions && all.every((p, i) => p === i) && members.every((m) => m.owned(topic).length === partitions / members.length)
}

/** Waits until `check()` is true, checking every 100 ms; throws after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Creates, describes and deletes a scratch topic in a loop until `stop()`; counts rounds. */
export function adminLoop(admin: Admin): { rounds: () => number; errors: unknown[]; stop: () => Promise<void> } {
  let running = true
  let rounds = 0
  const errors: unknown[] = []
  const loop = (async () => {
    while (running && rounds < 1000) {
      const name = uniqueTopic('usage-scratch')
      try {
        const [created] = await admin.createTopics([{ name, partitions: 3, replicationFactor: 1 }])
        if (created.errorCode !== 0) throw new Error(`createTopics ${name}: ${created.errorCode}`)
        await admin.metadata([name])
        await admin.describeConfigs([{ type: 'topic', name }])
        const [deleted] = await admin.deleteTopics([name])
        if (deleted.errorCode !== 0) throw new Error(`deleteTopics ${name}: ${deleted.errorCode}`)
        rounds++
      } catch (err) {
        errors.push(err)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  })()
  return {
    rounds: () => rounds,
    errors,
    async stop() {
      running = false
      await loop
    },
  }
}

/** Sends `count` records (value = index) round-robin over `partitions`, `window` in flight. */
export async function produceIndexed(kafka: Kafka, topic: string, count: number, partitions: number, window = 2000): Promise<void> {
  const producer = kafka.producer()
  try {
    for (let start = 0; start < count; start += window) {
      const sends: Promise<unknown>[] = []
      for (let i = start; i < Math.min(count, start + window); i++) sends.push(producer.send({ topic, partition: i % partitions, value: String(i) }))
      await Promise.all(sends)
    }
  } finally {
    await producer.close()
  }
}

/** Duplicates among `keys` (each `partition:offset` or value should appear once). */
export function duplicatesOf<T>(keys: readonly T[]): T[] {
  const seen = new Set<T>()
  const dup: T[] = []
  for (const k of keys) {
    if (seen.has(k)) dup.push(k)
    seen.add(k)
  }
  return dup
}
