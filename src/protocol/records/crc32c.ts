/**
 * CRC-32C (Castagnoli), the checksum of a record batch (protocol guide, "Record Batch": the CRC
 * covers attributes to the end of the batch).
 *
 * Two implementations, one answer: `@node-rs/crc32` (native, SIMD / SSE4.2 where the CPU has it,
 * 4× or more faster than JavaScript on the large buffers a fetch carries) and `crc-32`'s
 * slice-by-16 JavaScript, which is faster below a few hundred bytes, where a native call costs
 * more than the sum. The native package is optional: it is loaded on the first large buffer,
 * and when it cannot load (no prebuilt binary for the platform, a bundler that dropped the
 * `.node` file) JavaScript does every buffer; nothing fails.
 */
import { createRequire } from 'node:module'
import jsCrc32c from 'crc-32/crc32c.js'

/** Below this many bytes the JavaScript table is faster than crossing into native code. */
const NATIVE_FROM_BYTES = 512

type NativeCrc32c = (input: Uint8Array, initialState?: number | null) => number

const require = createRequire(import.meta.url)
let native: NativeCrc32c | null | undefined

function loadNative(): NativeCrc32c | null {
  try {
    const mod = require('@node-rs/crc32') as { crc32c?: unknown }
    native = typeof mod.crc32c === 'function' ? (mod.crc32c as NativeCrc32c) : null
  } catch {
    native = null
  }
  return native
}

/** The unsigned CRC-32C of `data`. */
export function crc32c(data: Uint8Array): number {
  if (data.length >= NATIVE_FROM_BYTES) {
    const f = native === undefined ? loadNative() : native
    if (f !== null) return f(data) >>> 0
  }
  return jsCrc32c.buf(data) >>> 0
}

/** Which implementation large buffers use: 'native' (`@node-rs/crc32`) or 'javascript'. */
export function crc32cImplementation(): 'native' | 'javascript' {
  return (native === undefined ? loadNative() : native) !== null ? 'native' : 'javascript'
}

/** Tests only: forces the JavaScript path (true) or re-detects the native package (false). */
export function forceJavaScriptCrc32c(force: boolean): void {
  native = force ? null : undefined
}
