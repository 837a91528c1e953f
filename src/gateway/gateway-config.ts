/**
 * Configuration in Rafka's shape: a JSON file `{"general": {…}, "consumer": {…}, "producer": {…}}`
 * and BLPOP's JSON consumer overrides, both in Java/librdkafka property names. The names are
 * mapped by the CLI's one table (src/cli/config-map.ts, `kafkats -X list`), so the gateway accepts
 * exactly what `-X` accepts. librdkafka/Go settings that have no meaning here (Rafka's sample file
 * has several) are ignored and reported by `ignoredRafkaSettings`.
 */
import type { ConsumerOptions } from '../consumer/consumer-options.js'
import { ConfigError, KafkaError } from '../errors.js'
import { emptyConfig, findProperty, type MappedConfig } from '../cli/config-map.js'

/** librdkafka / confluent-kafka-go settings of Rafka's sample config that kafkats has no use for. */
const IGNORED = new Set([
  'api.version.request',
  'log.connection.close',
  'enable.auto.offset.store',
  'enable.partition.eof',
  'socket.keepalive.enable',
  'statistics.interval.ms',
])

/** Settings the gateway decides itself: commits come from acks only. */
const GATEWAY_OWNED = new Set(['enable.auto.commit', 'auto.commit.interval.ms', 'group.id'])

function ignored(name: string): boolean {
  return name.startsWith('go.') || IGNORED.has(name)
}

function valueText(name: string, v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw new ConfigError(`${name}: expected a string, number or boolean, got ${v === null ? 'null' : typeof v}`)
}

function reword(err: unknown): ConfigError {
  const message = err instanceof Error ? err.message.replace(' in -X', '').replace(/^-X /, '') : String(err)
  return err instanceof ConfigError ? new ConfigError(message) : new ConfigError(message, err instanceof KafkaError ? err : undefined)
}

/**
 * Applies a Rafka-style config object (`general`, `consumer`, `producer` sections) onto `into`.
 * Each name lands where the property table says (a consumer property in `general` sets the
 * consumer). @returns the names ignored
 * @throws ConfigError for a malformed object, an unknown name or a bad value
 */
export function applyRafkaConfig(json: unknown, into: MappedConfig = emptyConfig()): { config: MappedConfig; ignored: string[] } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError('gateway config: expected a JSON object with general, consumer and producer sections')
  const skipped: string[] = []
  for (const [section, settings] of Object.entries(json as Record<string, unknown>)) {
    if (section !== 'general' && section !== 'consumer' && section !== 'producer') throw new ConfigError(`gateway config: unknown section '${section}' (general, consumer, producer)`)
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) throw new ConfigError(`gateway config: ${section}: expected an object`)
    for (const [name, v] of Object.entries(settings as Record<string, unknown>)) {
      if (ignored(name) || GATEWAY_OWNED.has(name)) {
        skipped.push(`${section}.${name}`)
        continue
      }
      try {
        findProperty(name).apply(valueText(name, v), into, name)
      } catch (err) {
        throw new ConfigError(`gateway config: ${section}: ${reword(err).message}`)
      }
    }
  }
  return { config: into, ignored: skipped }
}

/** Consumer defaults of the gateway: every consumer option but the ones a connection decides. */
export type GatewayConsumerOptions = Omit<ConsumerOptions, 'topics' | 'assignments' | 'groupId' | 'autoCommit' | 'exitAtEnd'>

/**
 * BLPOP's consumer overrides (`topics:t1,t2:{"auto.offset.reset":"earliest"}`) on top of the
 * gateway's consumer defaults.
 * @throws ConfigError for a name that is not a consumer property, or a bad value
 */
export function consumerOverrides(json: Record<string, unknown>, base: GatewayConsumerOptions): GatewayConsumerOptions {
  const into = emptyConfig()
  into.consumer = { ...base }
  for (const [name, v] of Object.entries(json)) {
    if (ignored(name) || GATEWAY_OWNED.has(name)) continue
    let property
    try {
      property = findProperty(name)
      if (property.scope !== 'consumer') throw new ConfigError(`${name} is not a consumer property`)
      property.apply(valueText(name, v), into, name)
    } catch (err) {
      throw reword(err)
    }
  }
  const { groupId: _g, autoCommit: _a, autoCommitIntervalMs: _i, ...rest } = into.consumer as ConsumerOptions
  return rest
}
