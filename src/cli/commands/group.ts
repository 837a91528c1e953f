/** `kafkats group list|describe|delete`. */
import type { GroupDescription, ListedGroup } from '../../admin/groups.js'
import { helpText, parseCommandLine } from '../args.js'
import type { CliIo } from '../cli-io.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { errorName } from '../error-name.js'
import { toJson } from '../json-output.js'
import { renderTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'

const HELP = {
  list: helpText('kafkats group list [--json]', 'Lists the groups of every broker with their state, type and coordinator.', {}, ['kafkats group list']),
  describe: helpText('kafkats group describe GROUP… [--json]', 'State, protocol and members of groups: member id, client id, host and assigned partitions.', {}, [
    'kafkats group describe orders-service',
  ]),
  delete: helpText('kafkats group delete GROUP… [--json]', 'Deletes groups without members (and their committed offsets).', {}, ['kafkats group delete old-service']),
}

const TOP_HELP = `usage: kafkats group list|describe|delete …

  kafkats group list [--json]
  kafkats group describe GROUP… [--json]
  kafkats group delete GROUP…

\`kafkats group SUBCOMMAND --help\` shows the options of each.
`

function listText(groups: readonly ListedGroup[]): string {
  if (groups.length === 0) return 'no groups\n'
  return renderTable(
    ['GROUP', 'STATE', 'TYPE', 'PROTOCOL-TYPE', 'COORDINATOR'],
    groups.map((g) => [g.groupId, g.state || '-', g.type || '-', g.protocolType || '-', String(g.coordinator)]),
  )
}

/** The text form of described groups. */
export function describeText(groups: readonly GroupDescription[]): string {
  return groups
    .map((g) => {
      if (g.errorCode !== 0) return `group ${g.groupId}: ${errorName(g.errorCode)}${g.errorMessage ? `: ${g.errorMessage}` : ''}\n`
      const head = `group ${g.groupId}  state ${g.state}  protocol ${g.protocolType || '-'}/${g.protocol || '-'}  ${g.members.length} member${g.members.length === 1 ? '' : 's'}\n`
      if (g.members.length === 0) return head
      const rows = g.members.map((m) => [
        m.memberId,
        m.groupInstanceId ?? '-',
        m.clientId,
        m.clientHost,
        m.assignment ? m.assignment.partitions.map((p) => `${p.topic}:${p.partitions.join(',')}`).join(' ') || '-' : '-',
      ])
      return head + renderTable(['MEMBER-ID', 'INSTANCE-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'], rows)
    })
    .join('\n')
}

function groupIds(positionals: readonly string[], command: string): string[] {
  if (positionals.length === 0) throw new UsageError(`kafkats ${command}: name at least one group (see kafkats ${command} --help)`)
  return [...positionals]
}

async function list(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('group list', argv, {})
  if (args.flag('help')) return void io.stdout.write(HELP.list), 0
  if (args.positionals.length > 0) throw new UsageError(`kafkats group list: unexpected argument '${args.positionals[0]}'`)
  const setup = clientSetup(args, io)
  const groups = await withKafka(setup, (kafka) => kafka.admin(setup.config.admin).listGroups())
  io.stdout.write(args.flag('json') ? toJson(groups) + '\n' : listText(groups))
  return 0
}

async function describe(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('group describe', argv, {})
  if (args.flag('help')) return void io.stdout.write(HELP.describe), 0
  const ids = groupIds(args.positionals, 'group describe')
  const setup = clientSetup(args, io)
  const groups = await withKafka(setup, (kafka) => kafka.admin(setup.config.admin).describeGroups(ids))
  if (args.flag('json')) {
    // The raw member metadata and assignment bytes are decoded already; leave them out.
    const slim = groups.map((g) => ({ ...g, members: g.members.map(({ memberMetadata: _m, memberAssignment: _a, ...m }) => m) }))
    io.stdout.write(toJson(slim) + '\n')
  } else {
    io.stdout.write(describeText(groups))
  }
  return groups.some((g) => g.errorCode !== 0) ? 1 : 0
}

async function remove(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine('group delete', argv, {})
  if (args.flag('help')) return void io.stdout.write(HELP.delete), 0
  const ids = groupIds(args.positionals, 'group delete')
  const setup = clientSetup(args, io)
  const results = await withKafka(setup, (kafka) => kafka.admin(setup.config.admin).deleteGroups(ids))
  if (args.flag('json')) io.stdout.write(toJson(results) + '\n')
  let failed = 0
  for (const r of results) {
    if (r.errorCode !== 0) {
      failed++
      io.stderr.write(`kafkats: group ${r.groupId}: ${errorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}\n`)
    } else if (!args.flag('json')) io.stdout.write(`deleted group ${r.groupId}\n`)
  }
  return failed > 0 ? 1 : 0
}

export const groupCommand: Command = {
  name: 'group',
  summary: 'list, describe or delete consumer groups',
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (sub) {
      case 'list':
        return list(rest, io)
      case 'describe':
        return describe(rest, io)
      case 'delete':
        return remove(rest, io)
      case '-h':
      case '--help':
        io.stdout.write(TOP_HELP)
        return 0
      case undefined:
        throw new UsageError('kafkats group: name a subcommand: list, describe or delete')
      default:
        throw new UsageError(`kafkats group: unknown subcommand '${sub}' (list, describe or delete)`)
    }
  },
}
