/**
 * `kafkats produce`: one record per line of FILE or stdin, streamed in chunks; each chunk's
 * records go out as one `sendBatch`, and reading pauses while more than a window of bytes is
 * unacknowledged, so memory stays bounded whatever the input size.
 */
import { createReadStream, statSync } from 'node:fs'
import type { Writable } from 'node:stream'
import type { Kafka } from '../../client.js'
import type { KafkaError } from '../../errors.js'
import { ErrorCode, responseError } from '../../protocol/error-codes.js'
import type { ProducerOptions } from '../../producer/producer-options.js'
import type { ProducerRecord } from '../../producer/producer-record.js'
import { helpText, parseCommandLine, parseInteger, parseKeyValue, type OptionSpecs } from '../args.js'
import type { Command } from '../command.js'
import { clientSetup, withKafka } from '../client-setup.js'
import { unescapeArgument } from '../escapes.js'
import { toJson } from '../json-output.js'
import { splitLines } from '../line-splitter.js'
import { throughput, throughputText } from '../throughput.js'
import { UsageError } from '../usage-error.js'

const OPTIONS: OptionSpecs = {
  topic: { type: 'string', short: 't', value: 'TOPIC', help: 'topic to produce to (required)' },
  partition: { type: 'string', short: 'p', value: 'N', help: 'partition (default: the partitioner picks: murmur2 of the key, sticky without key)' },
  key: { type: 'string', short: 'k', value: 'DELIM', help: 'each line is KEY DELIM VALUE, split at the first DELIM (\\t, \\n escapes); lines without it have no key' },
  compression: { type: 'string', short: 'z', value: 'CODEC', help: 'gzip, snappy, lz4, zstd or none' },
  acks: { type: 'string', value: 'ACKS', help: '0, 1 or all (default all)' },
  header: { type: 'string', short: 'H', multiple: true, value: 'KEY=VALUE', help: 'header added to every record' },
}

const HELP = helpText(
  'kafkats produce -t TOPIC [-p PARTITION] [-k DELIM] [-z CODEC] [--acks 0|1|all] [-H KEY=VALUE]… [FILE]',
  'Produces one record per line of FILE (or stdin when FILE is absent or -). Empty lines are empty records; a final line without newline is a record. Prints a summary to stderr (with --json: a JSON summary to stdout).',
  OPTIONS,
  ['kafkats produce -t orders orders.txt', "printf 'k1:v1\\nk2:v2\\n' | kafkats produce -t orders -k : -z zstd", 'kafkats produce -t logs -H source=batch -X linger.ms=50 big.log'],
)

/** Unacknowledged bytes after which reading pauses. */
const WINDOW_BYTES = 16 * 1024 * 1024
const CHUNK_BYTES = 256 * 1024
const PROGRESS_MS = 500

interface Pending {
  promise: Promise<unknown>
  bytes: number
}

function producerOptions(base: ProducerOptions, compression: string | undefined, acks: string | undefined): ProducerOptions {
  const o: ProducerOptions = { ...base }
  if (compression !== undefined) {
    if (!['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(compression)) throw new UsageError(`-z: expected gzip, snappy, lz4, zstd or none, got '${compression}'`)
    o.compression = compression as ProducerOptions['compression']
  }
  if (acks !== undefined) {
    if (acks === '0' || acks === '1') o.acks = Number(acks) as 0 | 1
    else if (acks === 'all' || acks === '-1') o.acks = 'all'
    else throw new UsageError(`--acks: expected 0, 1 or all, got '${acks}'`)
  }
  return o
}

function progressLine(stderr: Writable, records: number, bytes: number, startedAt: number): void {
  const t = throughput(records, bytes, performance.now() - startedAt)
  stderr.write(`\r\x1b[K${throughputText(t)}`)
}

/** How long a topic being auto-created may stay unknown to Metadata, ms. */
const AUTO_CREATE_WAIT_MS = 5000

/**
 * Fails fast on a topic the broker does not have and won't create; otherwise the records would
 * wait out deliveryTimeoutMs. A KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION to the Metadata
 * request that starts an auto-creation, so that answer is asked again for a while.
 */
async function requireTopic(kafka: Kafka, topic: string, autoCreate: boolean): Promise<void> {
  const cluster = kafka.cluster
  // UNKNOWN_TOPIC_OR_PARTITION is retriable: the one retry policy asks again until the deadline.
  await cluster.withRetry(
    async () => {
      const meta = (await cluster.metadata([topic], { force: true, allowAutoTopicCreation: autoCreate })).get(topic)
      if (meta !== undefined && meta.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        throw responseError(meta.errorCode, `topic ${topic} does not exist${autoCreate ? ' and the broker did not create it' : ''}`)
      }
    },
    { deadline: Date.now() + (autoCreate ? AUTO_CREATE_WAIT_MS : 0), refreshMetadata: false },
  )
}

export const produceCommand: Command = {
  name: 'produce',
  summary: 'produce lines of a file or stdin as records',
  async run(argv, io) {
    const args = parseCommandLine('produce', argv, OPTIONS)
    if (args.flag('help')) {
      io.stdout.write(HELP)
      return 0
    }
    const topic = args.string('topic')
    if (topic === undefined || topic === '') throw new UsageError('kafkats produce: -t TOPIC is required')
    if (args.positionals.length > 1) throw new UsageError(`kafkats produce: one FILE at most, got ${args.positionals.length}`)
    const file = args.positionals[0] === '-' ? undefined : args.positionals[0]
    if (file !== undefined) {
      try {
        if (!statSync(file).isFile()) throw new UsageError(`kafkats produce: ${file} is not a file`)
      } catch (err) {
        if (err instanceof UsageError) throw err
        throw new UsageError(`kafkats produce: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
    }
    const partition = args.has('partition') ? parseInteger('-p', args.string('partition') ?? '', 0, 2 ** 31 - 1) : undefined
    const delimiter = args.has('key') ? Buffer.from(unescapeArgument('-k', args.string('key') ?? ''), 'utf8') : null
    if (delimiter !== null && delimiter.length === 0) throw new UsageError('-k: the key delimiter is empty')
    const headers = args.strings('header').map((h) => {
      const [key, value] = parseKeyValue('-H', h)
      return { key, value: Buffer.from(value, 'utf8') }
    })
    const setup = clientSetup(args, io)
    const options = producerOptions(setup.config.producer, args.string('compression'), args.string('acks'))

    return withKafka(setup, async (kafka) => {
      await requireTopic(kafka, topic, options.allowAutoTopicCreation ?? true)
      const producer = kafka.producer(options)
      const input = file === undefined ? io.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES })
      const showProgress = (io.stderr as { isTTY?: boolean }).isTTY === true && !args.flag('json') && !args.flag('quiet')
      const startedAt = performance.now()
      let records = 0
      let bytes = 0
      let failure: KafkaError | null = null
      const window: Pending[] = []
      let windowBytes = 0
      let lastProgress = startedAt
      try {
        for await (const lines of splitLines(input)) {
          if (failure !== null || io.signal.aborted) break
          const batch: ProducerRecord[] = new Array(lines.length)
          let batchBytes = 0
          for (let i = 0; i < lines.length; i++) {
            const line = lines[i]
            let key: Buffer | null = null
            let value = line
            if (delimiter !== null) {
              const at = line.indexOf(delimiter)
              if (at !== -1) {
                key = line.subarray(0, at)
                value = line.subarray(at + delimiter.length)
              }
            }
            batchBytes += value.length + (key === null ? 0 : key.length)
            batch[i] = { topic, key, value, partition, headers: headers.length > 0 ? headers : undefined }
          }
          const promise = producer.sendBatch(batch).catch((err: KafkaError) => {
            failure ??= err
          })
          window.push({ promise, bytes: batchBytes })
          windowBytes += batchBytes
          records += lines.length
          bytes += batchBytes
          while (windowBytes > WINDOW_BYTES && window.length > 0) {
            const oldest = window.shift() as Pending
            await oldest.promise
            windowBytes -= oldest.bytes
          }
          if (showProgress && performance.now() - lastProgress >= PROGRESS_MS) {
            lastProgress = performance.now()
            progressLine(io.stderr, records, bytes, startedAt)
          }
        }
        await Promise.all(window.map((p) => p.promise))
        await producer.close()
      } finally {
        if ('destroy' in input && typeof input.destroy === 'function' && input !== io.stdin) input.destroy()
      }
      if (showProgress) io.stderr.write('\r\x1b[K')
      if (failure !== null) throw failure
      const t = throughput(records, bytes, performance.now() - startedAt)
      if (args.flag('json')) io.stdout.write(toJson({ topic, ...t }) + '\n')
      else if (!args.flag('quiet')) io.stderr.write(`produced ${throughputText(t)} to ${topic}\n`)
      return 0
    })
  },
}
