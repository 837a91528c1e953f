/** The process streams and environment a command runs with. */
import type { Readable, Writable } from 'node:stream'

export interface CliIo {
  stdin: Readable
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
  /** Aborted on SIGINT / SIGTERM: long-running commands stop cleanly. */
  signal: AbortSignal
}
