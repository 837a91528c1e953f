/** A bad command line (unknown flag, missing or malformed argument): the CLI exits with status 2. */
import { ConfigError } from '../errors.js'

export class UsageError extends ConfigError {
  constructor(message: string) {
    super(message)
  }
}
