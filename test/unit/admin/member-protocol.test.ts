import t from 'tap'
import { decodeMemberAssignment, decodeMemberSubscription } from '../../../src/admin/member-protocol.js'
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/messages/consumer-protocol-assignment.js'
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/messages/consumer-protocol-subscription.js'
import { Writer } from '../../../src/protocol/writer.js'

t.test('a v3 subscription decodes with owned partitions, generation and rack', async (t) => {
  const w = new Writer()
  w.int16(3)
  encodeConsumerProtocolSubscription(w, 3, {
    topics: ['a', 'b'],
    userData: Buffer.from([1, 2]),
    ownedPartitions: [{ topic: 'a', partitions: [0, 2] }],
    generationId: 7,
    rackId: 'rack-1',
  })
  t.same(decodeMemberSubscription(w.toBuffer()), {
    version: 3,
    topics: ['a', 'b'],
    userData: Buffer.from([1, 2]),
    ownedPartitions: [{ topic: 'a', partitions: [0, 2] }],
    generationId: 7,
    rackId: 'rack-1',
  })
})

t.test('a v0 subscription has no owned partitions, generation -1, no rack', async (t) => {
  const w = new Writer()
  w.int16(0)
  encodeConsumerProtocolSubscription(w, 0, { topics: ['x'], userData: null })
  t.same(decodeMemberSubscription(w.toBuffer()), { version: 0, topics: ['x'], userData: null, ownedPartitions: [], generationId: -1, rackId: null })
})

t.test('an assignment from a newer protocol version is read with the newest known one', async (t) => {
  const w = new Writer()
  w.int16(9)
  encodeConsumerProtocolAssignment(w, 3, { assignedPartitions: [{ topic: 'a', partitions: [1] }], userData: null })
  // Fields a newer version appends come after the ones known: ignored.
  w.int32(12345)
  t.same(decodeMemberAssignment(w.toBuffer()), { version: 3, partitions: [{ topic: 'a', partitions: [1] }], userData: null })
})

t.test('empty or malformed member bytes give null, never a throw', async (t) => {
  t.equal(decodeMemberAssignment(Buffer.alloc(0)), null)
  t.equal(decodeMemberSubscription(Buffer.from([0])), null)
  t.equal(decodeMemberAssignment(Buffer.from([0, 0, 0, 0, 0, 5, 0])), null, 'array longer than the bytes')
  t.equal(decodeMemberSubscription(Buffer.from([0xff, 0xff, 0, 0])), null, 'negative version')
})
