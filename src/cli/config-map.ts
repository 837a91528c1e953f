/**
 * `-X key=value`: Java / librdkafka property names mapped onto kafkats options. The table below
 * is the single source of truth for which names the CLI accepts (`kafkats -X list` prints it).
 */
import { readFileSync } from 'node:fs'
import type { AdminOptions } from '../admin/admin.js'
import type { ConsumerOptions } from '../consumer/consumer-options.js'
import type { KafkaOptions } from '../options.js'
import type { ProducerOptions } from '../producer/producer-options.js'
import type { TlsOptions } from '../pool/socket.js'
import { UsageError } from './usage-error.js'

/** Settings of `-X` that need the other settings before they mean something (security). */
export interface SecuritySettings {
  protocol?: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'
  mechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  username?: string
  password?: string
  caFile?: string
  certFile?: string
  keyFile?: string
  keyPassword?: string
  verifyCertificate?: boolean
}

/** Client options set through `-X`, split by the part of the client that takes them. */
export interface MappedConfig {
  client: Omit<KafkaOptions, 'bootstrapServers'> & { bootstrapServers?: string }
  producer: ProducerOptions
  consumer: Omit<ConsumerOptions, 'topics' | 'assignments'>
  admin: AdminOptions
  security: SecuritySettings
}

export type ConfigScope = 'client' | 'producer' | 'consumer' | 'admin'

/** One accepted `-X` name. */
export interface ConfigProperty {
  name: string
  /** Other accepted spellings (librdkafka's), e.g. `queue.buffering.max.ms` for `linger.ms`. */
  aliases?: readonly string[]
  scope: ConfigScope
  /** The kafkats option it sets, for the listing. */
  option: string
  description: string
  apply(value: string, into: MappedConfig, name: string): void
}

function integer(name: string, value: string, min = 0): number {
  if (!/^\s*-?\d+\s*$/.test(value)) throw new UsageError(`-X ${name}: expected a whole number, got '${value}'`)
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`-X ${name}: ${value} is out of range (at least ${min})`)
  return n
}

function boolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (v === 'true' || v === '1' || v === 'yes') return true
  if (v === 'false' || v === '0' || v === 'no') return false
  throw new UsageError(`-X ${name}: expected true or false, got '${value}'`)
}

function oneOf<T>(name: string, value: string, allowed: Readonly<Record<string, T>>): T {
  const hit = allowed[value.trim().toLowerCase()]
  if (hit === undefined) throw new UsageError(`-X ${name}: expected one of ${Object.keys(allowed).join(', ')}, got '${value}'`)
  return hit
}

/** An `-X` name that sets one numeric option of one scope. */
function intProperty(
  name: string,
  scope: ConfigScope,
  option: string,
  set: (into: MappedConfig, n: number) => void,
  description: string,
  extra: { aliases?: string[]; min?: number } = {},
): ConfigProperty {
  return { name, aliases: extra.aliases, scope, option, description, apply: (v, into, n) => set(into, integer(n, v, extra.min ?? 0)) }
}

const COMPRESSION = { none: 'none', gzip: 'gzip', snappy: 'snappy', lz4: 'lz4', zstd: 'zstd' } as const
const ACKS = { '0': 0, '1': 1, all: 'all', '-1': 'all' } as const
const RESET = { earliest: 'earliest', smallest: 'earliest', beginning: 'earliest', latest: 'latest', largest: 'latest', end: 'latest', none: 'none', error: 'none' } as const
const SECURITY_PROTOCOLS = { plaintext: 'PLAINTEXT', ssl: 'SSL', sasl_plaintext: 'SASL_PLAINTEXT', sasl_ssl: 'SASL_SSL' } as const
const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const
const ASSIGNORS = {
  range: 'range',
  roundrobin: 'roundrobin',
  'cooperative-sticky': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.rangeassignor': 'range',
  'org.apache.kafka.clients.consumer.roundrobinassignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.cooperativestickyassignor': 'cooperative-sticky',
} as const
const PARTITIONERS = { default: 'default', murmur2: 'murmur2', murmur2_random: 'default', consistent: 'consistent', consistent_random: 'consistent', random: 'random', roundrobin: 'roundRobin' } as const

/** Every accepted `-X` name. */
export const CONFIG_PROPERTIES: readonly ConfigProperty[] = [
  // client (connections, metadata, security)
  { name: 'bootstrap.servers', aliases: ['metadata.broker.list'], scope: 'client', option: 'bootstrapServers', description: 'bootstrap brokers (same as -b)', apply: (v, c) => void (c.client.bootstrapServers = v) },
  { name: 'client.id', scope: 'client', option: 'clientId', description: 'client id sent with every request', apply: (v, c) => void (c.client.clientId = v) },
  intProperty('request.timeout.ms', 'client', 'requestTimeoutMs', (c, n) => void (c.client.requestTimeoutMs = n), 'request timeout, ms', { aliases: ['socket.timeout.ms'], min: 1 }),
  intProperty('socket.connection.setup.timeout.ms', 'client', 'connectionTimeoutMs', (c, n) => void (c.client.connectionTimeoutMs = n), 'connect + TLS/SASL handshake timeout, ms; also how long the CLI tries to reach a broker', { aliases: ['socket.connection.setup.timeout.max.ms'], min: 1 }),
  intProperty('metadata.max.age.ms', 'client', 'metadataMaxAgeMs', (c, n) => void (c.client.metadataMaxAgeMs = n), 'metadata refresh age, ms', { aliases: ['topic.metadata.refresh.interval.ms'], min: 1 }),
  intProperty('max.in.flight.requests.per.connection', 'client', 'maxInFlightRequestsPerConnection', (c, n) => void (c.client.maxInFlightRequestsPerConnection = n), 'requests in flight per connection', { aliases: ['max.in.flight'], min: 1 }),
  intProperty('retry.backoff.ms', 'client', 'retryBackoffMs', (c, n) => {
    c.client.retryBackoffMs = n
    c.producer.retryBackoffMs = n
  }, 'first retry backoff, ms (doubles up to retry.backoff.max.ms, ±20% jitter)', { min: 1 }),
  intProperty('retry.backoff.max.ms', 'client', 'retryBackoffMaxMs', (c, n) => {
    c.client.retryBackoffMaxMs = n
    c.producer.retryBackoffMaxMs = n
  }, 'largest retry backoff, ms', { min: 1 }),
  intProperty('default.api.timeout.ms', 'client', 'defaultApiTimeoutMs', (c, n) => void (c.client.defaultApiTimeoutMs = n), 'how long admin and consumer calls retry, ms', { min: 1 }),
  intProperty('receive.message.max.bytes', 'client', 'maxResponseBytes', (c, n) => void (c.client.maxResponseBytes = n), 'largest response accepted, bytes', { aliases: ['fetch.max.response.bytes'], min: 1 }),
  intProperty('connections.per.broker', 'client', 'connectionsPerBroker', (c, n) => void (c.client.connectionsPerBroker = n), 'connections per broker and lane (kafkats)', { min: 1 }),
  { name: 'debug', scope: 'client', option: 'debug', description: 'debug categories (same as -d)', apply: (v, c) => void (c.client.debug = v) },
  { name: 'security.protocol', scope: 'client', option: 'ssl, sasl', description: 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL', apply: (v, c, n) => void (c.security.protocol = oneOf(n, v, SECURITY_PROTOCOLS)) },
  { name: 'sasl.mechanism', aliases: ['sasl.mechanisms'], scope: 'client', option: 'sasl.mechanism', description: 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512', apply: (v, c, n) => void (c.security.mechanism = oneOf(n, v, SASL_MECHANISMS)) },
  { name: 'sasl.username', scope: 'client', option: 'sasl.username', description: 'SASL user name', apply: (v, c) => void (c.security.username = v) },
  { name: 'sasl.password', scope: 'client', option: 'sasl.password', description: 'SASL password', apply: (v, c) => void (c.security.password = v) },
  { name: 'ssl.ca.location', aliases: ['ssl.truststore.location'], scope: 'client', option: 'ssl.ca', description: 'CA certificate file (PEM)', apply: (v, c) => void (c.security.caFile = v) },
  { name: 'ssl.certificate.location', scope: 'client', option: 'ssl.cert', description: 'client certificate file (PEM), for mutual TLS', apply: (v, c) => void (c.security.certFile = v) },
  { name: 'ssl.key.location', scope: 'client', option: 'ssl.key', description: 'client private key file (PEM), for mutual TLS', apply: (v, c) => void (c.security.keyFile = v) },
  { name: 'ssl.key.password', scope: 'client', option: 'ssl.passphrase', description: 'passphrase of the client key', apply: (v, c) => void (c.security.keyPassword = v) },
  { name: 'enable.ssl.certificate.verification', scope: 'client', option: 'ssl.rejectUnauthorized', description: 'verify the broker certificate (default true)', apply: (v, c, n) => void (c.security.verifyCertificate = boolean(n, v)) },
  // producer
  { name: 'acks', aliases: ['request.required.acks'], scope: 'producer', option: 'acks', description: '0, 1 or all', apply: (v, c, n) => void (c.producer.acks = oneOf(n, v, ACKS)) },
  { name: 'enable.idempotence', scope: 'producer', option: 'idempotent', description: 'idempotent producer (default true with acks=all)', apply: (v, c, n) => void (c.producer.idempotent = boolean(n, v)) },
  { name: 'compression.type', aliases: ['compression.codec'], scope: 'producer', option: 'compression', description: 'none, gzip, snappy, lz4 or zstd', apply: (v, c, n) => void (c.producer.compression = oneOf(n, v, COMPRESSION)) },
  intProperty('compression.level', 'producer', 'compressionLevel', (c, n) => void (c.producer.compressionLevel = n), 'codec level (gzip 0-9, zstd 1-22)', { min: -1 }),
  intProperty('linger.ms', 'producer', 'lingerMs', (c, n) => void (c.producer.lingerMs = n), 'batch linger, ms', { aliases: ['queue.buffering.max.ms'] }),
  intProperty('batch.size', 'producer', 'batchSize', (c, n) => void (c.producer.batchSize = n), 'largest batch per partition, bytes', { min: 1 }),
  intProperty('max.request.size', 'producer', 'maxRequestSize', (c, n) => void (c.producer.maxRequestSize = n), 'largest Produce request, bytes', { aliases: ['message.max.bytes'], min: 1024 }),
  intProperty('buffer.memory', 'producer', 'bufferMemory', (c, n) => void (c.producer.bufferMemory = n), 'unacknowledged bytes buffered before send waits', { min: 1 }),
  intProperty('delivery.timeout.ms', 'producer', 'deliveryTimeoutMs', (c, n) => void (c.producer.deliveryTimeoutMs = n), 'upper bound on delivering one record, ms', { aliases: ['message.timeout.ms'], min: 1 }),
  { name: 'partitioner', aliases: ['partitioner.class'], scope: 'producer', option: 'partitioner', description: 'default, murmur2, consistent, random or roundrobin', apply: (v, c, n) => void (c.producer.partitioner = oneOf(n, v, PARTITIONERS)) },
  {
    name: 'allow.auto.create.topics',
    scope: 'producer',
    option: 'allowAutoTopicCreation',
    description: 'let the producer create a missing topic (broker permitting)',
    apply: (v, c, n) => void (c.producer.allowAutoTopicCreation = boolean(n, v)),
  },
  // consumer
  { name: 'group.id', scope: 'consumer', option: 'groupId', description: 'consumer group (same as -g)', apply: (v, c) => void (c.consumer.groupId = v) },
  { name: 'group.instance.id', scope: 'consumer', option: 'groupInstanceId', description: 'static membership id (KIP-345)', apply: (v, c) => void (c.consumer.groupInstanceId = v) },
  { name: 'auto.offset.reset', scope: 'consumer', option: 'resetStrategy', description: 'earliest, latest or none: where a group starts without a committed offset', apply: (v, c, n) => void (c.consumer.resetStrategy = oneOf(n, v, RESET)) },
  intProperty('session.timeout.ms', 'consumer', 'sessionTimeoutMs', (c, n) => void (c.consumer.sessionTimeoutMs = n), 'group session timeout, ms', { min: 1 }),
  intProperty('heartbeat.interval.ms', 'consumer', 'heartbeatIntervalMs', (c, n) => void (c.consumer.heartbeatIntervalMs = n), 'group heartbeat interval, ms', { min: 1 }),
  intProperty('max.poll.interval.ms', 'consumer', 'rebalanceTimeoutMs', (c, n) => void (c.consumer.rebalanceTimeoutMs = n), 'rebalance timeout, ms', { min: 1 }),
  {
    name: 'partition.assignment.strategy',
    scope: 'consumer',
    option: 'assignors',
    description: 'comma-separated: range, roundrobin, cooperative-sticky',
    apply: (v, c, n) => void (c.consumer.assignors = v.split(',').map((s) => oneOf(n, s, ASSIGNORS))),
  },
  { name: 'enable.auto.commit', scope: 'consumer', option: 'autoCommit', description: 'periodic commits (the CLI commits what it printed anyway)', apply: (v, c, n) => void (c.consumer.autoCommit = boolean(n, v)) },
  intProperty('auto.commit.interval.ms', 'consumer', 'autoCommitIntervalMs', (c, n) => void (c.consumer.autoCommitIntervalMs = n), 'auto commit interval, ms', { min: 1 }),
  intProperty('fetch.max.wait.ms', 'consumer', 'maxWaitMs', (c, n) => void (c.consumer.maxWaitMs = n), 'longest a Fetch waits on the broker, ms', { aliases: ['fetch.wait.max.ms'] }),
  intProperty('fetch.min.bytes', 'consumer', 'minBytes', (c, n) => void (c.consumer.minBytes = n), 'bytes a Fetch waits for'),
  intProperty('fetch.max.bytes', 'consumer', 'maxBytes', (c, n) => void (c.consumer.maxBytes = n), 'largest Fetch response, bytes', { min: 1 }),
  intProperty('max.partition.fetch.bytes', 'consumer', 'maxPartitionBytes', (c, n) => void (c.consumer.maxPartitionBytes = n), 'largest data per partition per Fetch, bytes', { aliases: ['fetch.message.max.bytes'], min: 1 }),
  intProperty('max.poll.records', 'consumer', 'maxPollRecords', (c, n) => void (c.consumer.maxPollRecords = n), 'records handed out per poll', { min: 1 }),
  {
    name: 'isolation.level',
    scope: 'consumer',
    option: 'isolationLevel',
    description: 'read_uncommitted or read_committed',
    apply: (v, c, n) => void (c.consumer.isolationLevel = oneOf(n, v, { read_uncommitted: 'read_uncommitted', read_committed: 'read_committed' } as const)),
  },
  { name: 'check.crcs', scope: 'consumer', option: 'checkCrcs', description: 'verify record batch CRC-32C', apply: (v, c, n) => void (c.consumer.checkCrcs = boolean(n, v)) },
  // admin
  intProperty('admin.timeout.ms', 'admin', 'timeoutMs', (c, n) => void (c.admin.timeoutMs = n), 'how long the controller may take over topic changes, ms', { min: 1 }),
]

const byName = new Map<string, ConfigProperty>()
for (const p of CONFIG_PROPERTIES) {
  byName.set(p.name, p)
  for (const a of p.aliases ?? []) byName.set(a, p)
}

/** Edit distance, for "did you mean" on a misspelt name. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}

/** The accepted property of this name. @throws UsageError for an unknown name, suggesting the nearest. */
export function findProperty(name: string): ConfigProperty {
  const p = byName.get(name)
  if (p) return p
  let best: string | undefined
  let bestDistance = 4
  for (const known of byName.keys()) {
    const d = distance(name, known)
    if (d < bestDistance) {
      best = known
      bestDistance = d
    }
  }
  throw new UsageError(`unknown property '${name}' in -X${best ? ` (did you mean '${best}'?)` : ''}; \`kafkats -X list\` lists the known ones`)
}

/** An empty mapping. */
export function emptyConfig(): MappedConfig {
  return { client: {}, producer: {}, consumer: {}, admin: {}, security: {} }
}

/**
 * Applies `key=value` settings in order (a later one wins).
 * @throws UsageError for a malformed setting, an unknown name or a bad value.
 */
export function mapProperties(settings: readonly string[], into: MappedConfig = emptyConfig()): MappedConfig {
  for (const s of settings) {
    const i = s.indexOf('=')
    if (i <= 0) throw new UsageError(`-X expects key=value, got '${s}'`)
    const name = s.slice(0, i).trim()
    findProperty(name).apply(s.slice(i + 1), into, name)
  }
  return into
}

function readPem(what: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new UsageError(`-X ${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

/**
 * The `sasl` and `ssl` client options the security settings describe. Without
 * `security.protocol`, SASL is on when `sasl.mechanism` is set and TLS when any `ssl.*` is.
 * @throws UsageError for a contradiction (e.g. SASL settings with PLAINTEXT) or an unreadable file.
 */
export function resolveSecurity(s: SecuritySettings): Pick<KafkaOptions, 'sasl' | 'ssl'> {
  const anySsl = s.caFile !== undefined || s.certFile !== undefined || s.keyFile !== undefined || s.verifyCertificate !== undefined
  const anySasl = s.mechanism !== undefined || s.username !== undefined || s.password !== undefined
  const protocol = s.protocol ?? (anySasl ? (anySsl ? 'SASL_SSL' : 'SASL_PLAINTEXT') : anySsl ? 'SSL' : 'PLAINTEXT')
  const useSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL'
  const useSsl = protocol === 'SSL' || protocol === 'SASL_SSL'
  if (!useSasl && anySasl) throw new UsageError(`-X sasl.* is set but security.protocol is ${protocol} (use SASL_PLAINTEXT or SASL_SSL)`)
  if (!useSsl && anySsl) throw new UsageError(`-X ssl.* is set but security.protocol is ${protocol} (use SSL or SASL_SSL)`)
  const out: Pick<KafkaOptions, 'sasl' | 'ssl'> = {}
  if (useSasl) {
    if (s.username === undefined || s.password === undefined) throw new UsageError(`-X security.protocol=${protocol} needs sasl.username and sasl.password`)
    out.sasl = { mechanism: s.mechanism ?? 'PLAIN', username: s.username, password: s.password }
  }
  if (useSsl) {
    const tls: TlsOptions = {}
    if (s.caFile !== undefined) tls.ca = readPem('ssl.ca.location', s.caFile)
    if (s.certFile !== undefined) tls.cert = readPem('ssl.certificate.location', s.certFile)
    if (s.keyFile !== undefined) tls.key = readPem('ssl.key.location', s.keyFile)
    if (s.keyPassword !== undefined) tls.passphrase = s.keyPassword
    if (s.verifyCertificate === false) tls.rejectUnauthorized = false
    out.ssl = tls
  }
  return out
}

/** The `-X list` table. */
export function propertyListing(): string {
  const rows = CONFIG_PROPERTIES.map((p) => [p.name + (p.aliases?.length ? ` (${p.aliases.join(', ')})` : ''), p.scope, p.option, p.description])
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`).join('\n') + '\n'
}
