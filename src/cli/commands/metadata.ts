/** `kafkats metadata`: brokers, controller, topics, partitions, leaders, replicas, ISR (kcat -L). */
import { helpText, parseCommandLine, type OptionSpecs } from '../args.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { toJson } from '../json-output.js'
import type { MetadataResult } from '../../admin/cluster-info.js'
import { errorName } from '../error-name.js'

const OPTIONS: OptionSpecs = {
  topic: { type: 'string', short: 't', multiple: true, value: 'TOPIC', help: 'only this topic' },
  internal: { type: 'boolean', short: 'I', help: 'include internal topics (__consumer_offsets, …)' },
}

const HELP = helpText(
  'kafkats metadata [-t TOPIC]… [-I] [--json]',
  'Lists brokers and the controller, and each topic with its partitions, leader, replicas and ISR.',
  OPTIONS,
  ['kafkats metadata', 'kafkats metadata -t orders --json'],
)

/** The text form of a metadata result. */
export function metadataText(m: MetadataResult): string {
  const lines: string[] = []
  lines.push(`cluster ${m.clusterId ?? '(unknown id)'}, controller ${m.controllerId}`)
  lines.push(`${m.brokers.length} broker${m.brokers.length === 1 ? '' : 's'}:`)
  for (const b of m.brokers) lines.push(`  broker ${b.nodeId} at ${b.host}:${b.port}${b.rack ? ` rack ${b.rack}` : ''}${b.nodeId === m.controllerId ? ' (controller)' : ''}`)
  lines.push(`${m.topics.length} topic${m.topics.length === 1 ? '' : 's'}:`)
  for (const t of m.topics) {
    const err = t.errorCode === 0 ? '' : ` error ${errorName(t.errorCode)}`
    lines.push(`  topic "${t.name}" with ${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}${t.isInternal ? ' (internal)' : ''}${err}:`)
    for (const p of t.partitions) {
      const perr = p.errorCode === 0 ? '' : `, error ${errorName(p.errorCode)}`
      const offline = p.offlineReplicas.length > 0 ? `, offline: ${p.offlineReplicas.join(',')}` : ''
      lines.push(`    partition ${p.partition}, leader ${p.leader}, epoch ${p.leaderEpoch}, replicas: ${p.replicas.join(',')}, isr: ${p.isr.join(',')}${offline}${perr}`)
    }
  }
  return lines.join('\n') + '\n'
}

export const metadataCommand: Command = {
  name: 'metadata',
  summary: 'brokers, topics, partitions, leaders, ISR',
  async run(argv, io) {
    const args = parseCommandLine('metadata', argv, OPTIONS)
    if (args.flag('help')) {
      io.stdout.write(HELP)
      return 0
    }
    const topics = args.strings('topic')
    const setup = clientSetup(args, io)
    const m = await withKafka(setup, async (kafka) => {
      const admin = kafka.admin(setup.config.admin)
      const result = await admin.metadata(topics.length > 0 ? topics : undefined)
      return { ...result, topics: result.topics.filter((t) => topics.length > 0 || args.flag('internal') || !t.isInternal).sort((a, b) => (a.name < b.name ? -1 : 1)) }
    })
    io.stdout.write(args.flag('json') ? toJson(m) + '\n' : metadataText(m))
    return m.topics.some((t) => t.errorCode !== 0) ? 1 : 0
  },
}
