/**
 * Splits a byte stream into lines without reading it whole: yields the lines of each chunk as
 * a batch of views on that chunk (`\n` removed, a trailing `\r` kept as data). A last line
 * without `\n` is yielded when it is not empty; an empty line in the middle is a line.
 */
const NEWLINE = 0x0a

export async function* splitLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer[]> {
  let rest: Buffer | null = null
  for await (const piece of input) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
    if (rest !== null) {
      chunk = Buffer.concat([rest, chunk])
      rest = null
    }
    const lines: Buffer[] = []
    let start = 0
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      lines.push(chunk.subarray(start, nl))
      start = nl + 1
    }
    // Copy the partial line so the chunk it came from can be freed.
    if (start < chunk.length) rest = Buffer.from(chunk.subarray(start))
    if (lines.length > 0) yield lines
  }
  if (rest !== null && rest.length > 0) yield [rest]
}
