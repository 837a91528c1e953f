/**
 * Kafka's config resource types, config sources and config value types with their wire
 * codes (Java's ConfigResource.Type, DescribeConfigsResponse.ConfigSource and ConfigType).
 */
import { ConfigError } from '../errors.js'

/** What a config belongs to. `broker` and `brokerLogger` are named by the broker id. */
export type ConfigResourceType = 'topic' | 'broker' | 'brokerLogger' | 'clientMetrics' | 'group'

export const CONFIG_RESOURCE_TYPE_CODES: Readonly<Record<ConfigResourceType, number>> = Object.freeze({
  topic: 2,
  broker: 4,
  brokerLogger: 8,
  clientMetrics: 16,
  group: 32,
})

/** The resource type of a wire code, or `unknown`. */
export function configResourceType(code: number): ConfigResourceType | 'unknown' {
  for (const [name, c] of Object.entries(CONFIG_RESOURCE_TYPE_CODES)) if (c === code) return name as ConfigResourceType
  return 'unknown'
}

/** The wire code of a resource type. @throws ConfigError for an unknown type. */
export function configResourceTypeCode(type: ConfigResourceType): number {
  const code = (CONFIG_RESOURCE_TYPE_CODES as Record<string, number | undefined>)[type]
  if (code === undefined) throw new ConfigError(`unknown config resource type ${JSON.stringify(type)} (known: ${Object.keys(CONFIG_RESOURCE_TYPE_CODES).join(', ')})`)
  return code
}

/** Where a config value comes from (DescribeConfigs v1+). */
export type ConfigSource =
  | 'unknown'
  | 'topicConfig'
  | 'dynamicBrokerConfig'
  | 'dynamicDefaultBrokerConfig'
  | 'staticBrokerConfig'
  | 'defaultConfig'
  | 'dynamicBrokerLoggerConfig'
  | 'clientMetricsConfig'
  | 'groupConfig'

const SOURCES: readonly ConfigSource[] = [
  'unknown',
  'topicConfig',
  'dynamicBrokerConfig',
  'dynamicDefaultBrokerConfig',
  'staticBrokerConfig',
  'defaultConfig',
  'dynamicBrokerLoggerConfig',
  'clientMetricsConfig',
  'groupConfig',
]

/** The config source of a wire code (unknown codes, including -1, give `unknown`). */
export function configSource(code: number): ConfigSource {
  return SOURCES[code] ?? 'unknown'
}

/** The value type of a config (DescribeConfigs v3+). */
export type ConfigType = 'unknown' | 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password'

const TYPES: readonly ConfigType[] = ['unknown', 'boolean', 'string', 'int', 'short', 'long', 'double', 'list', 'class', 'password']

/** The config type of a wire code. */
export function configType(code: number): ConfigType {
  return TYPES[code] ?? 'unknown'
}

/** How IncrementalAlterConfigs changes a config (KIP-339). `append`/`subtract` act on list configs. */
export type AlterConfigOp = 'set' | 'delete' | 'append' | 'subtract'

export const ALTER_CONFIG_OP_CODES: Readonly<Record<AlterConfigOp, number>> = Object.freeze({ set: 0, delete: 1, append: 2, subtract: 3 })

/** The wire code of an alter operation. @throws ConfigError for an unknown one. */
export function alterConfigOpCode(op: AlterConfigOp): number {
  const code = (ALTER_CONFIG_OP_CODES as Record<string, number | undefined>)[op]
  if (code === undefined) throw new ConfigError(`unknown config operation ${JSON.stringify(op)} (known: set, delete, append, subtract)`)
  return code
}

/**
 * The broker a resource's request must go to: broker and broker-logger configs are answered
 * by the broker they name (an empty name means the cluster-wide default: any broker).
 * @throws ConfigError when a broker resource's name is not a broker id.
 */
export function configTarget(type: ConfigResourceType, name: string): number | 'any' {
  if (type !== 'broker' && type !== 'brokerLogger') return 'any'
  if (name === '' && type === 'broker') return 'any'
  if (!/^\d+$/.test(name)) throw new ConfigError(`a ${type} config resource is named by a broker id, got ${JSON.stringify(name)}`)
  return Number(name)
}
