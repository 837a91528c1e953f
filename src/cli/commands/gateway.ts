/**
 * `kafkats gateway`: Kafka behind the Redis protocol, Rafka's command set (docs/gateway.md).
 * Runs until SIGTERM / SIGINT, then shuts down cleanly (acked offsets committed, records
 * flushed, blocked BLPOPs answered with an error) and exits 0.
 */
import { readFileSync } from 'node:fs'
import type { Command } from '../command.js'
import { helpText, parseCommandLine, parseInteger, type OptionSpecs } from '../args.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { emptyConfig } from '../config-map.js'
import { applyRafkaConfig } from '../../gateway/gateway-config.js'
import { Gateway } from '../../gateway/gateway.js'
import { resolveGatewayOptions } from '../../gateway/gateway-options.js'
import { UsageError } from '../usage-error.js'

const OPTIONS: OptionSpecs = {
  listen: { type: 'string', short: 'l', value: 'HOST:PORT', help: 'address to listen on (default 127.0.0.1:6380)' },
  config: { type: 'string', short: 'c', value: 'FILE', help: 'JSON config like Rafka\'s: {"general": {…}, "consumer": {…}, "producer": {…}} in Java/librdkafka names; -X overrides it' },
  'max-connections': { type: 'string', value: 'N', help: 'most client connections at once (default 10000)' },
  'max-request-bytes': { type: 'string', value: 'BYTES', help: 'largest request a client may send (default 33554432)' },
}

const HELP = helpText(
  'kafkats gateway [--listen HOST:PORT] [-c FILE] [-b BROKERS] [-X KEY=VALUE]…',
  'Serves Kafka over the Redis protocol with Rafka\'s commands (RPUSHX, DUMP, CLIENT SETNAME, BLPOP, RPUSH acks, HGETALL stats, KEYS topics:, PING, QUIT, MONITOR) until SIGTERM or SIGINT. Each connection that BLPOPs is one consumer group member; `-X` and the config file set producer and consumer defaults.',
  OPTIONS,
  ['kafkats gateway -b 127.0.0.1:9092', 'kafkats gateway --listen 0.0.0.0:6380 -c rafka.json', 'redis-cli -p 6380 rpushx topics:greetings "hello there!"'],
)

function readConfig(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new UsageError(`kafkats gateway: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new UsageError(`kafkats gateway: ${file} is not JSON: ${(err as Error).message}`)
  }
}

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'serve Kafka over the Redis protocol (Rafka\'s commands)',
  async run(argv, io) {
    const args = parseCommandLine('gateway', argv, OPTIONS)
    if (args.flag('help')) {
      io.stdout.write(HELP)
      return 0
    }
    if (args.positionals.length > 0) throw new UsageError(`kafkats gateway: unexpected argument '${args.positionals[0]}'`)
    const file = args.string('config')
    const base = emptyConfig()
    if (file !== undefined) {
      const { ignored } = applyRafkaConfig(readConfig(file), base)
      if (ignored.length > 0) io.stderr.write(`kafkats gateway: ignoring ${ignored.join(', ')} (no meaning here; commits come from acks)\n`)
    }
    const setup = clientSetup(args, io, base)
    const listen = args.string('listen') ?? '127.0.0.1:6380'
    const maxConnections = args.has('max-connections') ? parseInteger('--max-connections', args.string('max-connections') ?? '', 1, 1_000_000) : undefined
    const maxRequestBytes = args.has('max-request-bytes') ? parseInteger('--max-request-bytes', args.string('max-request-bytes') ?? '', 1024, 2 ** 31 - 1) : undefined
    const options = { listen, producer: setup.config.producer, consumer: setup.config.consumer, maxConnections, maxRequestBytes }
    // Checked before any connection: a bad option is a usage error (exit 2).
    resolveGatewayOptions(options)
    return withKafka(setup, async (kafka) => {
      const gateway = new Gateway(kafka, options)
      if (io.signal.aborted) return 0
      const at = await gateway.listen()
      io.stderr.write(`kafkats gateway: listening on ${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port} (brokers ${kafka.options.bootstrapServers.join(',')})\n`)
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve()
        else io.signal.addEventListener('abort', () => resolve(), { once: true })
      })
      io.stderr.write('kafkats gateway: shutting down\n')
      await gateway.close()
      io.stderr.write('kafkats gateway: stopped\n')
      return 0
    })
  },
}
