/** Backslash escapes in delimiters given on the command line (`-k '\t'`). */
import { UsageError } from './usage-error.js'

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '0': '\0' }

/** `text` with `\n`, `\t`, `\r`, `\\`, `\0` replaced. @throws UsageError for another escape. */
export function unescapeArgument(what: string, text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      out += text[i]
      continue
    }
    const e = ESCAPES[text[i + 1] ?? '']
    if (e === undefined) throw new UsageError(`${what}: unknown escape '\\${text[i + 1] ?? ''}' (known: \\n \\t \\r \\\\ \\0)`)
    out += e
    i++
  }
  return out
}
