/**
 * Opens the byte stream to a broker: plain TCP, TLS (node:tls) and either of them tunnelled
 * through an HTTP CONNECT proxy (RFC 9110 9.3.6) or a stream the user's `socketFactory` makes.
 */
import net from 'node:net'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'
import { ClientErrorCode } from '../client-error-codes.js'
import { AuthenticationError, ConnectionError } from '../errors.js'

/** TLS options (connecting guide, "TLS"). Verification is on unless `rejectUnauthorized` is false. */
export interface TlsOptions {
  /** CA certificates (PEM). Defaults to Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Client certificate chain for mutual TLS (PEM). */
  cert?: string | Buffer
  /** Client private key for mutual TLS (PEM). */
  key?: string | Buffer
  /** Passphrase of `key`. */
  passphrase?: string
  /** SNI server name and the name checked against the certificate; defaults to the broker host. */
  servername?: string
  /** Verify the broker certificate. Default true. */
  rejectUnauthorized?: boolean
}

/** An HTTP CONNECT proxy every broker connection tunnels through. */
export interface ProxyOptions {
  host: string
  port: number
  /** Basic credentials for `Proxy-Authorization`. */
  auth?: { username: string; password: string }
}

/** What a {@link SocketFactory} is asked to connect to. */
export interface SocketFactoryArgs {
  /** The broker's host, as the bootstrap list or the cluster metadata names it. */
  host: string
  /** The broker's port, as the bootstrap list or the cluster metadata names it. */
  port: number
  /** The broker's node id; negative for a bootstrap address. */
  nodeId: number
}

/**
 * Makes the byte stream to one broker instead of a TCP connect (KafkaJS's socketFactory): for
 * an SSH tunnel, a port-forward, custom DNS, a fault proxy in tests. It returns a `net.Socket`
 * (connected or connecting) or any Duplex stream that is ready to carry bytes, or a promise of
 * one. TLS (the `ssl` option) and SASL still run over it. A throw or rejection becomes a
 * retriable ConnectionError.
 */
export type SocketFactory = (args: SocketFactoryArgs) => Duplex | Promise<Duplex>

/** Where a plain TCP socket's reads land (net.Socket's `onread`): see src/pool/frame-reader.ts. */
export interface DirectReader {
  /** The buffer the next read writes into. */
  next(): Buffer
  /** A read wrote `n` bytes into the buffer `next()` returned. Must not throw. */
  read(n: number): void
}

export interface SocketTarget {
  host: string
  port: number
  nodeId?: number
  tls?: TlsOptions | null
  proxy?: ProxyOptions | null
  socketFactory?: SocketFactory | null
  connectTimeoutMs: number
  /**
   * Reads of a plain TCP socket go straight into this reader's buffers, and the socket emits no
   * 'data' (see {@link readsDirectly}); TLS, proxied and user-made sockets emit 'data' as usual.
   */
  directReader?: DirectReader | null
}

/** True when {@link openSocket} hands the target's reads to its `directReader` instead of 'data' events. */
export function readsDirectly(target: SocketTarget): boolean {
  return target.directReader != null && !target.tls && !target.proxy && !target.socketFactory
}

function describe(target: SocketTarget): string {
  return `${target.host}:${target.port}${target.proxy ? ` via proxy ${target.proxy.host}:${target.proxy.port}` : ''}`
}

/** Connects (and handshakes), or rejects with ConnectionError / AuthenticationError within the timeout. */
export function openSocket(target: SocketTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let done = false
    let current: Duplex | null = null
    const timer = setTimeout(() => {
      fail(new ConnectionError(`connect to ${describe(target)} timed out after ${target.connectTimeoutMs} ms`, ClientErrorCode.CONNECT_TIMEOUT))
    }, target.connectTimeoutMs)
    function fail(err: Error): void {
      if (done) return
      done = true
      clearTimeout(timer)
      current?.destroy()
      reject(err)
    }
    function succeed(socket: Duplex): void {
      if (done) {
        socket.destroy()
        return
      }
      done = true
      clearTimeout(timer)
      socket.removeAllListeners('error')
      socket.removeAllListeners('timeout')
      resolve(socket)
    }
    function upgrade(raw: Duplex | null): void {
      if (!target.tls) {
        succeed(raw as Duplex)
        return
      }
      const t = target.tls
      const servername = t.servername ?? (net.isIP(target.host) ? undefined : target.host)
      const secure = tls.connect({
        socket: raw ?? undefined,
        host: target.host,
        port: target.port,
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        passphrase: t.passphrase,
        servername,
        rejectUnauthorized: t.rejectUnauthorized ?? true,
        // Checks the name even when connecting by IP address without SNI.
        checkServerIdentity: (host, cert) => tls.checkServerIdentity(t.servername ?? target.host, cert),
      })
      current = secure
      secure.once('secureConnect', () => succeed(secure))
      secure.once('error', (err: NodeJS.ErrnoException) => {
        const tlsFailure = typeof err.code === 'string' && (err.code.startsWith('ERR_TLS') || /CERT|SSL|SELF_SIGNED|UNABLE_TO/.test(err.code))
        fail(
          tlsFailure
            ? new AuthenticationError(`TLS handshake with ${describe(target)} failed: ${err.message}`, err)
            : new ConnectionError(`TLS connection to ${describe(target)} failed: ${err.message}`, ClientErrorCode.CONNECTION_ERROR, err),
        )
      })
    }
    if (target.socketFactory) {
      const factory = target.socketFactory
      const args: SocketFactoryArgs = { host: target.host, port: target.port, nodeId: target.nodeId ?? -1 }
      const failed = (err: unknown): void =>
        fail(new ConnectionError(`socketFactory for ${describe(target)} failed: ${err instanceof Error ? err.message : String(err)}`, ClientErrorCode.CONNECTION_ERROR, err))
      let made: Duplex | Promise<Duplex>
      try {
        made = factory(args)
      } catch (err) {
        failed(err)
        return
      }
      Promise.resolve(made).then((stream) => {
        if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function' || typeof stream.on !== 'function') {
          failed(new TypeError('it did not return a Duplex stream'))
          return
        }
        current = stream
        if (done) {
          stream.destroy()
          return
        }
        stream.once('error', (err) => failed(err))
        if (stream instanceof net.Socket) {
          stream.setNoDelay(true)
          if (stream.connecting) {
            stream.once('connect', () => upgrade(stream))
            return
          }
        }
        upgrade(stream)
      }, failed)
      return
    }
    if (target.proxy) {
      const proxy = target.proxy
      const socket = net.connect({ host: proxy.host, port: proxy.port })
      current = socket
      socket.setNoDelay(true)
      socket.once('error', (err) => fail(new ConnectionError(`proxy ${proxy.host}:${proxy.port}: ${err.message}`, ClientErrorCode.PROXY_ERROR, err)))
      socket.once('connect', () => {
        const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`
        let req = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`
        if (proxy.auth) {
          req += `Proxy-Authorization: Basic ${Buffer.from(`${proxy.auth.username}:${proxy.auth.password}`).toString('base64')}\r\n`
        }
        socket.write(req + '\r\n')
        let head = Buffer.alloc(0)
        const onData = (chunk: Buffer): void => {
          head = Buffer.concat([head, chunk])
          const end = head.indexOf('\r\n\r\n')
          if (end < 0) {
            if (head.length > 16384) fail(new ConnectionError('proxy response header too large', ClientErrorCode.PROXY_ERROR))
            return
          }
          socket.off('data', onData)
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))
          if (!status || status[1] !== '200') {
            fail(new ConnectionError(`proxy refused CONNECT ${authority}: ${head.subarray(0, head.indexOf('\r\n')).toString('latin1')}`, ClientErrorCode.PROXY_ERROR))
            return
          }
          const rest = head.subarray(end + 4)
          socket.pause()
          if (rest.length > 0) socket.unshift(rest)
          upgrade(socket)
        }
        socket.on('data', onData)
      })
      return
    }
    if (target.tls) {
      upgrade(null)
      return
    }
    const reader = readsDirectly(target) ? (target.directReader as DirectReader) : null
    const socket =
      reader === null
        ? net.connect({ host: target.host, port: target.port })
        : net.connect({
            host: target.host,
            port: target.port,
            onread: {
              buffer: () => reader.next(),
              callback: (n: number) => {
                reader.read(n)
                return true
              },
            },
          })
    current = socket
    socket.setNoDelay(true)
    socket.once('error', (err) => fail(new ConnectionError(`connect to ${describe(target)} failed: ${err.message}`, ClientErrorCode.CONNECTION_ERROR, err)))
    socket.once('connect', () => succeed(socket))
  })
}
