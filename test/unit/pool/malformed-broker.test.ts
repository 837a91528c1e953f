// Chaos scenario 6 of issue 13, a malformed broker, as a unit test with a fake peer
// (test/helpers/fake-peer.ts): a real broker never sends these, so no real one can be made to.
// The peer answers ApiVersions correctly, then answers each API the clients use with, in turn, a
// truncated frame, garbage inside a correctly sized frame, an oversized length prefix, and a
// wrong correlation id. Each request must reject with a typed KafkaError (KafkaProtocolError or
// ConnectionError), the process must not crash (no uncaught exception, no unhandled rejection),
// and the connection must be replaced: the next request goes over a new socket. Requests are
// built with the generated encoders from sample messages (test/unit/protocol/messages-samples).
import type net from 'node:net'
import t from 'tap'
import { ConnectionError, KafkaProtocolError } from '../../../src/errors.js'
import { Broker } from '../../../src/pool/broker.js'
import type { ApiDefinition } from '../../../src/protocol/api.js'
import { API_BY_KEY } from '../../../src/protocol/messages/index.js'
import { apiVersionsAnswer, correlationIdOf, fakePeer, responseFrame } from '../../helpers/fake-peer.js'
import { messageNamed, messageSample } from '../protocol/messages-samples.test.js'

const crashes: unknown[] = []
const onCrash = (err: unknown): void => {
  crashes.push(err)
}
process.on('uncaughtException', onCrash)
process.on('unhandledRejection', onCrash)
t.teardown(() => {
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
})

/** The APIs the producer, consumer and admin send. */
const APIS = [
  'Metadata', 'Produce', 'Fetch', 'ListOffsets', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup',
  'OffsetCommit', 'OffsetFetch', 'OffsetDelete', 'InitProducerId', 'CreateTopics', 'DeleteTopics', 'CreatePartitions',
  'DeleteRecords', 'DescribeGroups', 'ListGroups', 'DeleteGroups', 'DescribeConfigs', 'IncrementalAlterConfigs',
  'DescribeCluster', 'CreateAcls', 'DescribeAcls', 'DeleteAcls', 'DescribeUserScramCredentials', 'AlterUserScramCredentials',
]

type Fault = (socket: net.Socket, request: Buffer) => void

const FAULTS: Record<string, Fault> = {
  // A size prefix of 64 bytes, 8 of them sent, then FIN: the frame never completes.
  'a truncated frame': (s, req) => {
    const head = Buffer.alloc(12)
    head.writeInt32BE(64, 0)
    head.writeInt32BE(correlationIdOf(req), 4)
    s.end(head)
  },
  // The right size and correlation id, then bytes that are no valid response body.
  'garbage inside a correctly sized frame': (s, req) => s.write(responseFrame(correlationIdOf(req), Buffer.alloc(24, 0xff))),
  // 2 GB announced: must fail on the prefix, never allocate it.
  'an oversized length prefix': (s, req) => {
    const head = Buffer.alloc(8)
    head.writeInt32BE(0x7fffffff, 0)
    head.writeInt32BE(correlationIdOf(req), 4)
    s.write(head)
  },
  // A well-formed frame for a request that was never sent.
  'a wrong correlation id': (s, req) => s.write(responseFrame(correlationIdOf(req) + 1000, Buffer.alloc(24, 0))),
}

function api(name: string): ApiDefinition<unknown, unknown> {
  const found = API_BY_KEY.find((a) => a?.name === name)
  if (found === undefined) throw new Error(`no API ${name}`)
  return found as ApiDefinition<unknown, unknown>
}

for (const [faultName, fault] of Object.entries(FAULTS)) {
  t.test(faultName, async (t) => {
    // Every socket: ApiVersions answered, every later request answered with the fault.
    const peer = await fakePeer((socket, request, nth) => (nth === 0 ? socket.write(apiVersionsAnswer(request)) : fault(socket, request)))
    t.teardown(peer.close)
    const broker = new Broker({ nodeId: 1, host: '127.0.0.1', port: peer.port }, { requestTimeoutMs: 10_000, maxResponseBytes: 1024 * 1024 })
    t.teardown(() => broker.destroy())
    const send = (name: string): Promise<unknown> => {
      const spec = messageNamed(`${name}Request`)
      return broker.send(api(name), (v) => messageSample(spec, v, { nulls: false, seed: 7 })).then(
        () => null,
        (e: unknown) => e,
      )
    }
    const describe = (err: unknown): string => (err === null ? 'a response' : `${(err as Error).constructor.name}: ${(err as Error).message}`)
    for (const name of APIS) {
      // The first request may open its lane's first connection; the second shows that the
      // faulty connection was dropped: it needs a new one.
      const heapBefore = process.memoryUsage().arrayBuffers
      const first = await send(name)
      t.ok(first instanceof KafkaProtocolError || first instanceof ConnectionError, `${name}: rejects with KafkaProtocolError or ConnectionError, got ${describe(first)}`)
      const accepted = peer.accepted()
      const second = await send(name)
      t.ok(second instanceof KafkaProtocolError || second instanceof ConnectionError, `${name} again: typed, got ${describe(second)}`)
      t.equal(peer.accepted(), accepted + 1, `${name}: the next request went over a new connection`)
      t.ok(process.memoryUsage().arrayBuffers - heapBefore < 64 * 1024 * 1024, `${name}: no large allocation`)
    }
    t.same(crashes, [], 'no uncaught exception or unhandled rejection')
  })
}
