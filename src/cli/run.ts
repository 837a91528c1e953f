/**
 * `kafkats COMMAND …`: dispatch, top-level help, and the mapping of failures to one line on
 * stderr and an exit status (2 for bad arguments, 1 for failures).
 */
import { readFileSync } from 'node:fs'
import { ConfigError, KafkaError } from '../errors.js'
import type { CliIo } from './cli-io.js'
import type { Command } from './command.js'
import { consumeCommand } from './commands/consume.js'
import { gatewayCommand } from './commands/gateway.js'
import { groupCommand } from './commands/group.js'
import { metadataCommand } from './commands/metadata.js'
import { offsetsCommand } from './commands/offsets.js'
import { produceCommand } from './commands/produce.js'
import { topicCommand } from './commands/topic.js'
import { configDump, wantsDump } from './config-dump.js'
import { propertyListing } from './config-map.js'
import { UsageError } from './usage-error.js'

export const COMMANDS: readonly Command[] = [produceCommand, consumeCommand, metadataCommand, topicCommand, groupCommand, offsetsCommand, gatewayCommand]

/** Exit status of bad arguments. */
export const EXIT_USAGE = 2
/** Exit status of a runtime failure. */
export const EXIT_FAILURE = 1

function version(): string {
  try {
    // ../../package.json from both src/cli (tsx) and dist/cli (installed).
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2
  return [
    'usage: kafkats COMMAND [options]',
    '',
    'A command line for Apache Kafka, on the kafkats client.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'common options: -b BROKERS, -X KEY=VALUE (`kafkats -X list`; `-X dump`: effective values), -d CATEGORIES, -q, --json, -h',
    '`kafkats COMMAND --help` shows the options of a command; docs/cli.md has examples.',
    '',
  ].join('\n')
}

/** Whether the arguments ask for the `-X` property listing. */
function wantsPropertyList(argv: readonly string[]): boolean {
  return argv.some((a, i) => ((a === '-X' || a === '--property') && argv[i + 1] === 'list') || a === '-Xlist' || a === '--property=list')
}

/** The one-line message of a failure. */
export function failureMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0]
  return String(err)
}

/** Runs the command line; resolves to the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [name, ...rest] = argv
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.stdout.write(topHelp())
      return name === undefined ? EXIT_USAGE : 0
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`kafkats ${version()}\n`)
      return 0
    }
    if (wantsPropertyList(argv)) {
      io.stdout.write(propertyListing())
      return 0
    }
    if (wantsDump(argv)) {
      io.stdout.write(configDump(argv, io))
      return 0
    }
    const command = COMMANDS.find((c) => c.name === name)
    if (command === undefined) {
      throw new UsageError(name.startsWith('-') ? `name a command before options (${COMMANDS.map((c) => c.name).join(', ')})` : `unknown command '${name}' (${COMMANDS.map((c) => c.name).join(', ')})`)
    }
    return await command.run(rest, io)
  } catch (err) {
    io.stderr.write(`kafkats: ${failureMessage(err)}\n`)
    if (io.env.KAFKATS_STACK === '1' && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n')
    if (err instanceof ConfigError) return EXIT_USAGE
    if (err instanceof KafkaError) return EXIT_FAILURE
    return EXIT_FAILURE
  }
}
