/** `kafkats topic create|delete|describe`. */
import type { Admin } from '../../admin/admin.js'
import type { TopicDescription } from '../../admin/cluster-info.js'
import type { ConfigEntry } from '../../admin/configs.js'
import { helpText, parseCommandLine, parseInteger, parseKeyValue, type OptionSpecs } from '../args.js'
import type { CliIo } from '../cli-io.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { errorName } from '../error-name.js'
import { toJson } from '../json-output.js'
import { renderTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'

const CREATE_OPTIONS: OptionSpecs = {
  partitions: { type: 'string', short: 'P', value: 'N', help: 'partition count (default: the broker’s num.partitions)' },
  replication: { type: 'string', short: 'R', value: 'N', help: 'replication factor (default: the broker’s default.replication.factor)' },
  config: { type: 'string', short: 'C', multiple: true, value: 'KEY=VALUE', help: 'topic config, e.g. cleanup.policy=compact' },
}

const HELP = {
  create: helpText('kafkats topic create NAME… [-P PARTITIONS] [-R REPLICATION] [-C KEY=VALUE]…', 'Creates topics.', CREATE_OPTIONS, [
    'kafkats topic create orders -P 6 -R 3 -C retention.ms=86400000',
  ]),
  delete: helpText('kafkats topic delete NAME…', 'Deletes topics.', {}, ['kafkats topic delete orders old-orders']),
  describe: helpText('kafkats topic describe NAME… [--json]', 'Partitions (leader, replicas, ISR, log start offset, high watermark) and the configs set on the topic.', {}, [
    'kafkats topic describe orders',
  ]),
}

const TOP_HELP = `usage: kafkats topic create|delete|describe …

  kafkats topic create NAME… [-P PARTITIONS] [-R REPLICATION] [-C KEY=VALUE]…
  kafkats topic delete NAME…
  kafkats topic describe NAME… [--json]

\`kafkats topic SUBCOMMAND --help\` shows the options of each.
`

function names(positionals: readonly string[], command: string): string[] {
  if (positionals.length === 0) throw new UsageError(`kafkats ${command}: name at least one topic (see kafkats ${command} --help)`)
  return [...positionals]
}

async function create(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('topic create', argv, CREATE_OPTIONS)
  if (args.flag('help')) return void io.stdout.write(HELP.create), 0
  const topics = names(args.positionals, 'topic create')
  const partitions = args.has('partitions') ? parseInteger('-P', args.string('partitions') ?? '', 1, 2 ** 31 - 1) : undefined
  const replicationFactor = args.has('replication') ? parseInteger('-R', args.string('replication') ?? '', 1, 32767) : undefined
  const configs: Record<string, string> = {}
  for (const c of args.strings('config')) {
    const [k, v] = parseKeyValue('-C', c)
    configs[k] = v
  }
  const setup = clientSetup(args, io)
  const results = await withKafka(setup, (kafka) =>
    kafka.admin(setup.config.admin).createTopics(topics.map((name) => ({ name, partitions, replicationFactor, configs }))),
  )
  if (args.flag('json')) io.stdout.write(toJson(results) + '\n')
  let failed = 0
  for (const r of results) {
    if (r.errorCode !== 0) {
      failed++
      io.stderr.write(`kafkats: topic ${r.name}: ${errorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}\n`)
    } else if (!args.flag('json')) {
      const shape = r.numPartitions >= 0 ? ` with ${r.numPartitions} partition${r.numPartitions === 1 ? '' : 's'}, replication factor ${r.replicationFactor}` : ''
      io.stdout.write(`created topic ${r.name}${shape}\n`)
    }
  }
  return failed > 0 ? 1 : 0
}

async function remove(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('topic delete', argv, {})
  if (args.flag('help')) return void io.stdout.write(HELP.delete), 0
  const topics = names(args.positionals, 'topic delete')
  const setup = clientSetup(args, io)
  const results = await withKafka(setup, (kafka) => kafka.admin(setup.config.admin).deleteTopics(topics))
  if (args.flag('json')) io.stdout.write(toJson(results) + '\n')
  let failed = 0
  for (const r of results) {
    if (r.errorCode !== 0) {
      failed++
      io.stderr.write(`kafkats: topic ${r.name}: ${errorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}\n`)
    } else if (!args.flag('json')) io.stdout.write(`deleted topic ${r.name}\n`)
  }
  return failed > 0 ? 1 : 0
}

/** A described topic: metadata, offsets per partition, configs set away from the defaults. */
export interface TopicDetails extends TopicDescription {
  partitionOffsets: { partition: number; logStartOffset: bigint; highWatermark: bigint }[]
  configs: { name: string; value: string | null; source: string }[]
}

async function details(admin: Admin, topics: readonly string[]): Promise<TopicDetails[]> {
  const meta = await admin.metadata(topics)
  const ok = meta.topics.filter((t) => t.errorCode === 0)
  const parts = ok.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })))
  const [earliest, latest, configs] = await Promise.all([
    admin.listOffsets(parts.map((p) => ({ ...p, at: 'earliest' as const }))),
    admin.listOffsets(parts.map((p) => ({ ...p, at: 'latest' as const }))),
    ok.length > 0 ? admin.describeConfigs(ok.map((t) => ({ type: 'topic' as const, name: t.name }))) : Promise.resolve([]),
  ])
  return meta.topics.map((t) => {
    const offsets = parts
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.topic === t.name)
      .map(({ p, i }) => ({ partition: p.partition, logStartOffset: earliest[i].offset, highWatermark: latest[i].offset }))
    const c = configs.find((r) => r.name === t.name)
    const set = (c?.configs ?? []).filter((e: ConfigEntry) => e.source === 'topicConfig')
    return { ...t, partitionOffsets: offsets, configs: set.map((e) => ({ name: e.name, value: e.value, source: e.source })) }
  })
}

function detailsText(t: TopicDetails): string {
  if (t.errorCode !== 0) return `topic ${t.name}: ${errorName(t.errorCode)}\n`
  const head = `topic ${t.name}  id ${t.topicId}  partitions ${t.partitions.length}  replication ${t.partitions[0]?.replicas.length ?? 0}${t.isInternal ? '  (internal)' : ''}\n`
  const rows = t.partitions.map((p) => {
    const o = t.partitionOffsets.find((x) => x.partition === p.partition)
    return [String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), o ? o.logStartOffset.toString() : '?', o ? o.highWatermark.toString() : '?']
  })
  let out = head + renderTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK'], rows)
  if (t.configs.length > 0) out += 'configs:\n' + t.configs.map((c) => `  ${c.name}=${c.value ?? '(sensitive)'}  (${c.source})`).join('\n') + '\n'
  return out
}

async function describe(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('topic describe', argv, {})
  if (args.flag('help')) return void io.stdout.write(HELP.describe), 0
  const topics = names(args.positionals, 'topic describe')
  const setup = clientSetup(args, io)
  const result = await withKafka(setup, (kafka) => details(kafka.admin(setup.config.admin), topics))
  if (args.flag('json')) io.stdout.write(toJson(result) + '\n')
  else io.stdout.write(result.map(detailsText).join('\n'))
  const missing = result.filter((t) => t.errorCode !== 0)
  for (const t of missing) io.stderr.write(`kafkats: topic ${t.name}: ${errorName(t.errorCode)}\n`)
  return missing.length > 0 ? 1 : 0
}

export const topicCommand: Command = {
  name: 'topic',
  summary: 'create, delete or describe topics',
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (sub) {
      case 'create':
        return create(rest, io)
      case 'delete':
        return remove(rest, io)
      case 'describe':
        return describe(rest, io)
      case '-h':
      case '--help':
        io.stdout.write(TOP_HELP)
        return 0
      case undefined:
        throw new UsageError('kafkats topic: name a subcommand: create, delete or describe')
      default:
        throw new UsageError(`kafkats topic: unknown subcommand '${sub}' (create, delete or describe)`)
    }
  },
}
