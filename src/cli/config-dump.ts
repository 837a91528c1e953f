/**
 * `-X dump` (librdkafka's and rkt-kafka's): every property the CLI knows with the value it takes
 * effect with: defaults, then `-b`, `-d` and the other `-X` settings of the same command line
 * applied. Client properties come from `kafka.config()` (src/effective-config.ts); producer,
 * consumer and admin ones from their resolved options. Passwords print as `[hidden]`.
 */
import { parseArgs } from 'node:util'
import { resolveConsumerOptions } from '../consumer/consumer-options.js'
import { effectiveKafkaConfig, type ConfigValue } from '../effective-config.js'
import { resolveKafkaOptions } from '../options.js'
import { resolveProducerOptions } from '../producer/producer-options.js'
import { ParsedArgs } from './args.js'
import type { CliIo } from './cli-io.js'
import { clientSetup } from './client-setup.js'
import { CONFIG_PROPERTIES, type ConfigScope } from './config-map.js'

/** Whether the arguments ask for `-X dump`. */
export function wantsDump(argv: readonly string[]): boolean {
  return argv.some((a, i) => ((a === '-X' || a === '--property') && argv[i + 1] === 'dump') || a === '-Xdump' || a === '--property=dump')
}

/** Consumer option names whose resolved field has another name. */
const RESOLVED_AS: Readonly<Record<string, string>> = { rebalanceTimeoutMs: 'maxPollIntervalMs' }

function show(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'function') return '(function)'
  if (Array.isArray(v)) return v.map(show).join(',')
  if (typeof v === 'object' && 'name' in v) return String((v as { name: unknown }).name)
  return String(v)
}

/**
 * The `-X dump` listing for a command line (the command name first, then its arguments).
 * @throws UsageError / ConfigError for a bad `-X` setting or value, as the command would
 */
export function configDump(argv: readonly string[], io: Pick<CliIo, 'env' | 'stderr'>): string {
  const { values } = parseArgs({
    args: argv.slice(1).filter((a, i, all) => !(a === 'dump' && (all[i - 1] === '-X' || all[i - 1] === '--property')) && !((a === '-X' || a === '--property') && all[i + 1] === 'dump') && a !== '-Xdump' && a !== '--property=dump'),
    options: {
      brokers: { type: 'string', short: 'b' },
      property: { type: 'string', short: 'X', multiple: true },
      debug: { type: 'string', short: 'd', multiple: true },
      group: { type: 'string', short: 'g' },
    },
    strict: false,
    allowPositionals: true,
  })
  const setup = clientSetup(new ParsedArgs(argv[0] ?? '', values as Record<string, string | boolean | (string | boolean)[] | undefined>, []), io)
  const client = resolveKafkaOptions(setup.options)
  const sections: [string, [string, ConfigValue | string][]][] = []
  const sec = setup.config.security
  sections.push([
    'client',
    [
      ...Object.entries(effectiveKafkaConfig(client, client.bootstrapServers)),
      ['ssl.ca.location', sec.caFile ?? null],
      ['ssl.certificate.location', sec.certFile ?? null],
      ['ssl.key.location', sec.keyFile ?? null],
      ['ssl.key.password', sec.keyPassword !== undefined ? '[hidden]' : null],
      ['enable.ssl.certificate.verification', sec.verifyCertificate ?? true],
    ],
  ])
  const group = typeof values.group === 'string' ? values.group : setup.config.consumer.groupId
  const resolved: Record<Exclude<ConfigScope, 'client'>, Record<string, unknown>> = {
    producer: resolveProducerOptions(setup.config.producer, client) as unknown as Record<string, unknown>,
    consumer: resolveConsumerOptions({ ...setup.config.consumer, ...(group !== undefined ? { groupId: group } : {}), assignments: [{ topic: 'dump', partition: 0 }] }) as unknown as Record<string, unknown>,
    admin: { timeoutMs: setup.config.admin.timeoutMs ?? 30_000 },
  }
  for (const scope of ['producer', 'consumer', 'admin'] as const) {
    const rows: [string, string][] = []
    for (const p of CONFIG_PROPERTIES) {
      if (p.scope !== scope) continue
      rows.push([p.name, show(resolved[scope][RESOLVED_AS[p.option] ?? p.option])])
    }
    sections.push([scope, rows])
  }
  return sections.map(([name, rows]) => `# ${name}\n${rows.map(([k, v]) => `${k} = ${show(v)}`).join('\n')}\n`).join('')
}
