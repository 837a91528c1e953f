/**
 * Lazy loading of the native compression libraries (snappy, lz4, zstd). None is loaded when
 * kafkats is imported: each is `require`d on the first batch that needs it, and kept. A library
 * that cannot load (no prebuilt binary for the platform, a bundler that dropped the `.node`
 * file, the package left out of the install) fails only the batches of its codec, with a
 * {@link CodecUnavailableError}; the failure is remembered, so later batches fail fast too.
 * gzip is pure JavaScript (fflate) and always available.
 */
import { createRequire } from 'node:module'
import { ClientErrorCode } from '../../client-error-codes.js'
import { KafkaError } from '../../errors.js'
import type { CompressionCodec } from './codec.js'

/**
 * A native compression library could not be loaded: the batches of that codec fail with this
 * (producer: the batch's records; consumer: the fetched partition), every other codec keeps
 * working. Not retriable: install `packageName` (or its prebuilt binary for the platform).
 * Code `CODEC_UNAVAILABLE`.
 */
export class CodecUnavailableError extends KafkaError {
  /** The codec that needs the package. */
  readonly codec: CompressionCodec
  /** The npm package to install, e.g. `lz4-napi`. */
  readonly packageName: string

  constructor(codec: CompressionCodec, packageName: string, cause?: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    super(
      `${codec} compression needs the native package ${packageName}, which could not be loaded ` +
        `(${detail}); install it (npm install ${packageName}) with a prebuilt binary for this platform, ` +
        `or use another codec`,
      { code: ClientErrorCode.CODEC_UNAVAILABLE, retriable: false, cause },
    )
    this.codec = codec
    this.packageName = packageName
  }
}

/** Loads a package by name, synchronously (Node's `require` by default). */
export type NativeModuleLoader = (packageName: string) => unknown

const defaultLoader: NativeModuleLoader = createRequire(import.meta.url)
let loader: NativeModuleLoader = defaultLoader
const all: Array<NativeCodecModule<unknown>> = []

/**
 * One native library, loaded on the first {@link get}. After the first load `get` is one
 * field read and a comparison: no per-batch cost.
 */
export class NativeCodecModule<T> {
  private mod: T | undefined = undefined
  private failure: unknown = undefined
  private failed = false

  constructor(
    readonly codec: CompressionCodec,
    readonly packageName: string,
  ) {
    all.push(this as NativeCodecModule<unknown>)
  }

  /**
   * The library's exports.
   * @throws CodecUnavailableError when it cannot be loaded (now or on an earlier call).
   */
  get(): T {
    const mod = this.mod
    if (mod !== undefined) return mod
    return this.load()
  }

  private load(): T {
    if (!this.failed) {
      try {
        this.mod = loader(this.packageName) as T
        return this.mod
      } catch (err) {
        this.failed = true
        this.failure = err
      }
    }
    throw new CodecUnavailableError(this.codec, this.packageName, this.failure)
  }

  /** Forgets what was loaded (tests only, through {@link setNativeModuleLoader}). */
  reset(): void {
    this.mod = undefined
    this.failure = undefined
    this.failed = false
  }
}

/**
 * Replaces the loader of the native libraries (tests: one that throws, to exercise the failure
 * path) and forgets every library loaded so far; no argument restores Node's `require`.
 * Internal: not exported from the package.
 */
export function setNativeModuleLoader(next?: NativeModuleLoader): void {
  loader = next ?? defaultLoader
  for (const m of all) m.reset()
}
