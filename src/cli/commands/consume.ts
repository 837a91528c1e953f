/**
 * `kafkats consume`: prints records as they arrive, in a group (`-g` with topics: balanced, the
 * group's offsets committed as far as printed) or from fixed partitions. Output goes through
 * {@link OutputSink} (backpressure, quiet stop on EPIPE); SIGINT/SIGTERM stop cleanly: commit
 * what was printed, leave the group, exit 0.
 */
import type { Admin } from '../../admin/admin.js'
import type { Kafka } from '../../client.js'
import type { Consumer, ConsumerOptions } from '../../consumer/consumer.js'
import type { PartitionAssignment } from '../../consumer/consumer-options.js'
import type { CommitOffset, ConsumerRecord, PartitionOffsets } from '../../consumer/consumer-record.js'
import { KafkaError } from '../../errors.js'
import { responseError } from '../../protocol/error-codes.js'
import { helpText, parseCommandLine, parseInteger, type OptionSpecs, type ParsedArgs } from '../args.js'
import type { CliIo } from '../cli-io.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { groupReset, parseOffset, parseTopicArgument, startOffset, type OffsetArgument, type TopicArgument } from '../consume-target.js'
import { logContext } from '../stderr-logger.js'
import { OutputSink } from '../output-sink.js'
import { RecordFormat } from '../record-format.js'
import { throughput, throughputText } from '../throughput.js'
import { UsageError } from '../usage-error.js'

const OPTIONS: OptionSpecs = {
  topic: { type: 'string', short: 't', multiple: true, value: 'TOPIC[:PARTITION]', help: 'topic, or one partition of it (required)' },
  group: { type: 'string', short: 'g', value: 'GROUP', help: 'consume as a member of this group (balanced; commits what was printed)' },
  offset: { type: 'string', short: 'o', value: 'OFFSET', help: 'beginning | end | stored | N | -N (N before the end). Default: beginning; with -g the committed offset, else beginning' },
  exit: { type: 'boolean', short: 'e', help: 'exit once every assigned partition reached its end (as seen when it was assigned)' },
  raw: { type: 'boolean', short: 'A', help: 'raw values only, one per line; nothing else, not even the summary on stderr' },
  format: { type: 'string', short: 'f', value: 'FORMAT', help: 'output format: %t topic %p partition %o offset %k key %s value %T timestamp %h headers %K/%S key/value length %%; \\n \\t escapes' },
  count: { type: 'string', short: 'c', value: 'COUNT', help: 'stop after COUNT records' },
}

const HELP = helpText(
  'kafkats consume -t TOPIC[:PARTITION]… [-g GROUP] [-o OFFSET] [-e] [-A] [-f FORMAT] [-c COUNT]',
  'Prints records, by default each value on its own line. Ctrl-C stops cleanly (in a group: commits what was printed and leaves the group). A summary goes to stderr (JSON with --json) unless -A.',
  OPTIONS,
  [
    'kafkats consume -t orders -e                       # every partition from the beginning to the end',
    'kafkats consume -t orders:0 -o -10 -e               # the last 10 records of partition 0',
    "kafkats consume -t orders -g billing -f '%p@%o %k=%s\\n'",
    "kafkats consume -t orders -c 1 -f '%T %h\\n'",
  ],
)

const DEFAULT_FORMAT = '%s\\n'
const COMMIT_INTERVAL_MS = 5000
const POLL_MS = 500

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`

interface Plan {
  options: ConsumerOptions
  /** Exit at the end, tracked here (groups: the consumer's exitAtEnd is for assignments only). */
  trackEnd: boolean
}

/** The consumer options for the topics, group and offset asked for. */
async function plan(kafka: Kafka, args: ParsedArgs, base: ConsumerOptions, topics: TopicArgument[], offset: OffsetArgument | undefined): Promise<Plan> {
  const groupId = args.string('group') ?? base.groupId
  const exit = args.flag('exit')
  const fixed = topics.filter((t) => t.partition !== null)
  if (groupId !== undefined && fixed.length === 0) {
    return { options: { ...base, groupId, topics: [...new Set(topics.map((t) => t.topic))], resetStrategy: groupReset(offset, base.resetStrategy) }, trackEnd: exit }
  }
  if (groupId !== undefined && fixed.length !== topics.length) {
    throw new UsageError('with -g give either topics (the group assigns partitions) or topic:partition pairs, not both')
  }
  const start = offset !== undefined ? startOffset(offset, groupId) : groupId !== undefined ? 'committed' : 'earliest'
  const whole = [...new Set(topics.filter((t) => t.partition === null).map((t) => t.topic))]
  const assignments: PartitionAssignment[] = fixed.map((t) => ({ topic: t.topic, partition: t.partition as number, offset: start }))
  if (whole.length > 0) {
    const meta = await kafka.cluster.withRetry(() => kafka.cluster.metadata(whole, { force: true }))
    for (const topic of whole) {
      const m = meta.get(topic)
      if (m === undefined || m.errorCode !== 0) throw responseError(m?.errorCode ?? 3, null, `topic ${topic}`)
      for (const p of m.partitions) if (p !== undefined) assignments.push({ topic, partition: p.partition, offset: start })
    }
  }
  const seen = new Set<string>()
  const unique = assignments.filter((a) => !seen.has(key(a.topic, a.partition)) && seen.add(key(a.topic, a.partition)))
  const { resetStrategy, ...rest } = base
  return {
    options: { ...rest, ...(resetStrategy !== undefined ? { resetStrategy } : groupId !== undefined ? { resetStrategy: 'earliest' as const } : {}), groupId, assignments: unique, exitAtEnd: exit },
    trackEnd: false,
  }
}

/** End offsets of a group member's partitions, fixed when they are assigned. */
class EndTracker {
  private readonly ends = new Map<string, { topic: string; partition: number; end: bigint; start: bigint }>()

  constructor(
    private readonly admin: Admin,
    private readonly readCommitted: boolean,
  ) {}

  async assigned(assignment: PartitionOffsets): Promise<void> {
    const wanted: { topic: string; partition: number; start: bigint }[] = []
    const now = new Set<string>()
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const [p, start] of Object.entries(parts)) {
        now.add(key(topic, Number(p)))
        if (!this.ends.has(key(topic, Number(p)))) wanted.push({ topic, partition: Number(p), start })
      }
    }
    for (const k of [...this.ends.keys()]) if (!now.has(k)) this.ends.delete(k)
    if (wanted.length === 0) return
    const res = await this.admin.listOffsets(
      wanted.map((w) => ({ topic: w.topic, partition: w.partition, at: 'latest' as const })),
      { isolationLevel: this.readCommitted ? 'read_committed' : 'read_uncommitted' },
    )
    res.forEach((r, i) => {
      if (r.errorCode !== 0) throw responseError(r.errorCode, r.errorMessage, `ListOffsets ${r.topic}-${r.partition}`)
      this.ends.set(key(r.topic, r.partition), { topic: r.topic, partition: r.partition, end: r.offset, start: wanted[i].start })
    })
  }

  /** Whether every assigned partition's position reached its end. */
  atEnd(consumer: Consumer): boolean {
    for (const e of this.ends.values()) {
      const pos = consumer.position(e.topic, e.partition) ?? e.start
      if (pos < e.end) return false
    }
    return true
  }
}

/** Offsets of what was printed, per partition: the next offset to commit. */
class PrintedOffsets {
  private readonly next = new Map<string, CommitOffset>()
  private dirty = false

  printed(r: ConsumerRecord): void {
    const k = key(r.topic, r.partition)
    const c = this.next.get(k)
    if (c === undefined) this.next.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1n, leaderEpoch: r.leaderEpoch })
    else {
      c.offset = r.offset + 1n
      c.leaderEpoch = r.leaderEpoch
    }
    this.dirty = true
  }

  /** Forgets partitions the group took away. */
  keepOnly(assignment: PartitionOffsets): void {
    for (const [k, c] of this.next) if (assignment[c.topic]?.[c.partition] === undefined) this.next.delete(k)
  }

  /** The offsets to commit, once per change. */
  take(): CommitOffset[] {
    if (!this.dirty) return []
    this.dirty = false
    return [...this.next.values()].map((c) => ({ ...c }))
  }
}

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'print records of topics or partitions, in a group or not',
  async run(argv, io) {
    const args = parseCommandLine('consume', argv, OPTIONS)
    if (args.flag('help')) {
      io.stdout.write(HELP)
      return 0
    }
    const topicArgs = args.strings('topic').map(parseTopicArgument)
    if (topicArgs.length === 0) throw new UsageError('kafkats consume: -t TOPIC is required')
    if (args.positionals.length > 0) throw new UsageError(`kafkats consume: unexpected argument '${args.positionals[0]}'`)
    const offset = args.has('offset') ? parseOffset(args.string('offset') ?? '') : undefined
    const count = args.has('count') ? parseInteger('-c', args.string('count') ?? '', 1) : Infinity
    const raw = args.flag('raw')
    if (raw && args.has('format')) throw new UsageError('-A and -f exclude each other')
    const format = RecordFormat.compile(args.string('format') ?? DEFAULT_FORMAT)
    const setup = clientSetup(args, io)
    // Offset checks that need no broker, before connecting.
    const groupId = args.string('group') ?? setup.config.consumer.groupId
    if (offset !== undefined) {
      if (groupId !== undefined && topicArgs.every((t) => t.partition === null)) groupReset(offset, undefined)
      else startOffset(offset, groupId)
    }
    const json = args.flag('json')
    return withKafka(setup, (kafka) => consume(kafka, args, io, { topicArgs, offset, count, raw, format, json, base: setup.config.consumer }))
  },
}

interface ConsumeSettings {
  topicArgs: TopicArgument[]
  offset: OffsetArgument | undefined
  count: number
  raw: boolean
  format: RecordFormat
  json: boolean
  base: ConsumerOptions
}

async function consume(kafka: Kafka, args: ParsedArgs, io: CliIo, s: ConsumeSettings): Promise<number> {
  const { options, trackEnd } = await plan(kafka, args, s.base, s.topicArgs, s.offset)
  const inGroup = options.groupId !== undefined
  const consumer = kafka.consumer(options)
  const stop = new AbortController()
  const onAbort = (): void => stop.abort()
  io.signal.addEventListener('abort', onAbort, { once: true })
  const out = new OutputSink(io.stdout, onAbort)
  const ends = trackEnd ? new EndTracker(kafka.admin(), options.isolationLevel === 'read_committed') : null
  const printed = new PrintedOffsets()
  const startedAt = performance.now()
  let firstAt = 0
  let lastAt = 0
  let records = 0
  let bytes = 0
  let assignedOnce = !trackEnd
  let lastCommit = Date.now()
  const warn = (msg: string): void => void io.stderr.write(`kafkats: ${msg}\n`)

  const commit = async (): Promise<void> => {
    if (!inGroup) return
    const offsets = printed.take()
    if (offsets.length === 0) return
    try {
      await consumer.commit(offsets)
    } catch (err) {
      // A rebalance moved partitions away: their new owner reads from the last commit.
      if (err instanceof KafkaError && !io.signal.aborted) warn(`commit failed: ${err.message}`)
      else if (err instanceof KafkaError) warn(`final commit failed: ${err.message}`)
      else throw err
    }
  }

  try {
    while (!stop.signal.aborted && records < s.count) {
      const polledAt = performance.now()
      const event = await consumer.poll(POLL_MS, { signal: stop.signal })
      if (event.type === 'end') break
      if (event.type === 'rebalance') {
        printed.keepOnly(event.assignment)
        if (ends !== null) await ends.assigned(event.assignment)
        assignedOnce = true
      } else if (event.records.length > 0) {
        const list = event.records
        const n = Math.min(list.length, s.count - records)
        const chunks: Buffer[] = new Array(n)
        let size = 0
        for (let i = 0; i < n; i++) {
          const r = list[i]
          chunks[i] = s.format.render(r)
          size += chunks[i].length
          bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0)
        }
        const pending = out.write(n === 1 ? chunks[0] : Buffer.concat(chunks, size))
        if (pending !== undefined) await pending
        if (out.closed) break
        for (let i = 0; i < n; i++) printed.printed(list[i])
        // Timed from the poll that brought the first record: its fetch counts, joining does not.
        if (records === 0) firstAt = polledAt
        records += n
        lastAt = performance.now()
      }
      if (ends !== null && assignedOnce && ends.atEnd(consumer)) break
      if (Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
        lastCommit = Date.now()
        await commit()
      }
    }
    await out.flush()
    await commit()
  } finally {
    io.signal.removeEventListener('abort', onAbort)
    await consumer.stop()
  }
  if (!s.raw && !args.flag('quiet')) {
    const t = throughput(records, bytes, records > 0 ? lastAt - firstAt : performance.now() - startedAt)
    io.stderr.write(s.json ? `${logContext({ consumed: t })}\n` : `consumed ${throughputText(t)}\n`)
  }
  return 0
}
