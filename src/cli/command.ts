/** What every `kafkats` subcommand provides. */
import type { CliIo } from './cli-io.js'

export interface Command {
  /** The word after `kafkats`. */
  name: string
  /** One line for `kafkats --help`. */
  summary: string
  /**
   * Runs with the arguments after the command word; resolves to the exit status.
   * @throws UsageError (exit 2) for bad arguments, other KafkaErrors (exit 1) for failures.
   */
  run(argv: readonly string[], io: CliIo): Promise<number>
}
