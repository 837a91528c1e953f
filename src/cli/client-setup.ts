/**
 * From the common options (`-b`, `-X`, `-d`) to a connected {@link Kafka}: the CLI first makes
 * sure a broker answers within the connection timeout, so an unreachable cluster fails with one
 * clear line instead of a long series of retries.
 */
import { Kafka } from '../client.js'
import { ClientErrorCode } from '../client-error-codes.js'
import { ConnectionError, KafkaError } from '../errors.js'
import type { KafkaOptions } from '../options.js'
import { retry } from '../pool/retry.js'
import type { ParsedArgs } from './args.js'
import type { CliIo } from './cli-io.js'
import { mapProperties, resolveSecurity, type MappedConfig } from './config-map.js'
import { stderrLogger } from './stderr-logger.js'

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092'
/** How long the CLI tries to reach a broker before giving up, ms (socket.connection.setup.timeout.ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

export interface ClientSetup {
  options: KafkaOptions
  config: MappedConfig
}

/**
 * The client options the command line asks for: `-b` over `-X bootstrap.servers` over
 * `$KAFKA_BOOTSTRAP` over 127.0.0.1:9092; `-d` over `-X debug`. `-X` settings apply on top of `base`
 * (the gateway's `-c FILE`).
 * @throws UsageError for a bad `-X` setting.
 */
export function clientSetup(args: ParsedArgs, io: Pick<CliIo, 'env' | 'stderr'>, base?: MappedConfig): ClientSetup {
  const config = mapProperties(args.strings('property'), base)
  const { bootstrapServers, ...client } = config.client
  // -d may be repeated (rkt-kafka's habit): the categories add up.
  const debug = args.has('debug') ? args.strings('debug').join(',') : client.debug
  const options: KafkaOptions = {
    connectionTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    ...client,
    ...resolveSecurity(config.security),
    bootstrapServers: args.string('brokers') ?? bootstrapServers ?? (io.env.KAFKA_BOOTSTRAP || DEFAULT_BOOTSTRAP),
    clientId: client.clientId ?? 'kafkats-cli',
    debug,
    logger: stderrLogger(io.stderr, debug !== undefined && debug !== '', args.flag('quiet')),
  }
  return { options, config }
}

/**
 * Resolves once some bootstrap broker accepted a connection (TCP, TLS, SASL, ApiVersions),
 * retrying under the client's one retry policy (src/pool/retry.ts).
 * @throws ConnectionError after `timeoutMs` without one; AuthenticationError and other
 *   non-retriable errors at once.
 */
export async function awaitReachable(kafka: Kafka, timeoutMs: number): Promise<void> {
  const cluster = kafka.cluster
  const stop = new AbortController()
  let last: unknown = null
  let timer: NodeJS.Timeout | undefined
  // A connect attempt itself may outlast the budget (connectionTimeoutMs): race it.
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout')
      stop.abort()
    }, timeoutMs)
  })
  const attempts = retry(() => cluster.anyBroker().connection(), {
    deadline: Date.now() + timeoutMs,
    signal: stop.signal,
    policy: cluster.retryPolicy,
    beforeRetry: (err) => {
      last = err
    },
  }).then(
    () => 'ok' as const,
    (err: unknown) => err,
  )
  try {
    const outcome = await Promise.race([attempts, timeout])
    if (outcome === 'ok') return
    if (outcome !== 'timeout') {
      if (!(outcome instanceof KafkaError) || !outcome.retriable) throw outcome
      last = outcome
    }
  } finally {
    clearTimeout(timer)
    stop.abort()
  }
  const why = last instanceof Error ? `: ${last.message}` : ''
  throw new ConnectionError(`no broker of ${kafka.options.bootstrapServers.join(',')} answered within ${timeoutMs} ms${why}`, ClientErrorCode.BROKERS_UNREACHABLE)
}

/**
 * Runs `fn` with a reachable client and closes every connection afterwards.
 * @throws whatever `fn` throws, or ConnectionError when no broker answers in time.
 */
export async function withKafka<T>(setup: ClientSetup, fn: (kafka: Kafka) => Promise<T>): Promise<T> {
  const kafka = new Kafka(setup.options)
  try {
    await awaitReachable(kafka, setup.options.connectionTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS)
    return await fn(kafka)
  } finally {
    await kafka.disconnectAll()
  }
}
