import t from 'tap'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../src/consumer/group/consumer-protocol.js'

t.test('subscription round trip keeps topics, user data, owned partitions and generation', async (t) => {
  const bytes = encodeSubscription({ topics: ['a', 'b'], userData: Buffer.from([0, 0, 0, 3]), owned: new Map([['a', [2, 0]], ['b', []]]), generationId: 3 })
  t.equal(bytes.readInt16BE(0), 3, 'version 3 prefix')
  const s = decodeSubscription('m-1', 'i-1', bytes)
  t.same(s.topics, ['a', 'b'])
  t.equal(s.memberId, 'm-1')
  t.equal(s.groupInstanceId, 'i-1')
  t.same([...(s.userData ?? [])], [0, 0, 0, 3])
  t.same(s.ownedPartitions, [{ topic: 'a', partitions: [0, 2] }], 'sorted, empty topics left out')
  t.equal(s.generationId, 3)
})

t.test('a version 0 subscription (other clients) decodes without owned partitions', async (t) => {
  // version 0: int16 0, topics array (int32 count, int16-length strings), user data bytes (int32 -1)
  const b = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x78, 0xff, 0xff, 0xff, 0xff])
  const s = decodeSubscription('m', null, b)
  t.same(s.topics, ['x'])
  t.same(s.ownedPartitions, [])
  t.equal(s.generationId, undefined)
})

t.test('assignment round trip; empty bytes mean no partitions', async (t) => {
  const m = decodeAssignment(encodeAssignment(new Map([['a', [3, 1]], ['b', [0]]])))
  t.same([...m], [['a', [1, 3]], ['b', [0]]])
  t.equal(decodeAssignment(Buffer.alloc(0)).size, 0)
})

t.test('truncated bytes throw a KafkaProtocolError', async (t) => {
  const bytes = encodeAssignment(new Map([['a', [1]]]))
  t.throws(() => decodeAssignment(bytes.subarray(0, bytes.length - 2)), { code: 'PROTOCOL_DECODE' })
})
