/**
 * A TCP relay on a free 127.0.0.1 port to a broker address, as an SSH tunnel or a port-forward
 * would be: for socketFactory and re-bootstrap tests. Counts the connections it carried.
 */
import net from 'node:net'

export interface Relay {
  /** The relay's own port on 127.0.0.1. */
  port: number
  /** Connections carried so far. */
  connections: number
  /** Cuts the connections open now (new ones are still relayed). */
  cut(): void
  close(): Promise<void>
}

export async function relay(target: string): Promise<Relay> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    state.connections++
    const upstream = net.connect(port, host)
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  const state: Relay = {
    port: 0,
    connections: 0,
    cut: () => {
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.port = (server.address() as net.AddressInfo).port
  return state
}
