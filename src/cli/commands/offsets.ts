/** `kafkats offsets -g GROUP [-t TOPIC]…`: committed offsets, end offsets and lag per partition. */
import type { Admin } from '../../admin/admin.js'
import { helpText, parseCommandLine, type OptionSpecs } from '../args.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { errorName } from '../error-name.js'
import { toJson } from '../json-output.js'
import { renderTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'

const OPTIONS: OptionSpecs = {
  group: { type: 'string', short: 'g', value: 'GROUP', help: 'consumer group (required)' },
  topic: { type: 'string', short: 't', multiple: true, value: 'TOPIC', help: 'only this topic, every partition of it (default: every partition the group committed)' },
}

const HELP = helpText(
  'kafkats offsets -g GROUP [-t TOPIC]… [--json]',
  'Per partition: the group’s committed offset, the log end offset (high watermark), the lag between them and the member that owns the partition.',
  OPTIONS,
  ['kafkats offsets -g orders-service', 'kafkats offsets -g orders-service -t orders --json'],
)

/** One row of the offsets report. */
export interface PartitionLag {
  topic: string
  partition: number
  /** -1n when the group has no committed offset for the partition. */
  committedOffset: bigint
  /** High watermark, -1n when unknown. */
  endOffset: bigint
  /** endOffset − committedOffset; null when either is unknown. */
  lag: bigint | null
  /** Client id of the member that owns the partition, null when none. */
  owner: string | null
  ownerHost: string | null
  error: string | null
}

/** Committed offsets, end offsets and lag of a group. */
export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const [committed, [description]] = await Promise.all([admin.fetchCommittedOffsets(groupId, topics.length > 0 ? topics : undefined), admin.describeGroups([groupId])])
  const ends = await admin.listOffsets(committed.map((c) => ({ topic: c.topic, partition: c.partition, at: 'latest' as const })))
  const owners = new Map<string, { clientId: string; host: string }>()
  for (const m of description?.members ?? []) {
    for (const tp of m.assignment?.partitions ?? []) for (const p of tp.partitions) owners.set(`${tp.topic}\u0000${p}`, { clientId: m.clientId, host: m.clientHost })
  }
  return committed.map((c, i) => {
    const end = ends[i]
    const endOffset = end.errorCode === 0 ? end.offset : -1n
    const owner = owners.get(`${c.topic}\u0000${c.partition}`)
    const error = c.errorCode !== 0 ? errorName(c.errorCode) : end.errorCode !== 0 ? errorName(end.errorCode) : null
    return {
      topic: c.topic,
      partition: c.partition,
      committedOffset: c.offset,
      endOffset,
      lag: c.offset >= 0n && endOffset >= 0n ? (endOffset > c.offset ? endOffset - c.offset : 0n) : null,
      owner: owner?.clientId ?? null,
      ownerHost: owner?.host ?? null,
      error,
    }
  })
}

export const offsetsCommand: Command = {
  name: 'offsets',
  summary: 'committed offsets, end offsets and lag of a group',
  async run(argv, io) {
    const args = parseCommandLine('offsets', argv, OPTIONS)
    if (args.flag('help')) {
      io.stdout.write(HELP)
      return 0
    }
    const groupId = args.string('group')
    if (groupId === undefined || groupId === '') throw new UsageError('kafkats offsets: -g GROUP is required')
    if (args.positionals.length > 0) throw new UsageError(`kafkats offsets: unexpected argument '${args.positionals[0]}'`)
    const setup = clientSetup(args, io)
    const rows = await withKafka(setup, (kafka) => groupLag(kafka.admin(setup.config.admin), groupId, args.strings('topic')))
    if (args.flag('json')) {
      io.stdout.write(toJson({ groupId, partitions: rows }) + '\n')
    } else if (rows.length === 0) {
      io.stdout.write(`group ${groupId} has no committed offsets\n`)
    } else {
      const total = rows.reduce((sum, r) => sum + (r.lag ?? 0n), 0n)
      io.stdout.write(
        renderTable(
          ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'OWNER', 'HOST'],
          rows.map((r) => [r.topic, String(r.partition), r.committedOffset >= 0n ? r.committedOffset.toString() : '-', r.endOffset >= 0n ? r.endOffset.toString() : '-', r.lag === null ? '-' : r.lag.toString(), r.owner ?? '-', r.error ?? r.ownerHost ?? '-']),
        ) + `total lag ${total}\n`,
      )
    }
    return 0
  },
}
