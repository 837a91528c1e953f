import t from 'tap'
import { ConfigError, KafkaError } from '../../../src/errors.js'
import { murmur2, murmur2Partition, toPositive } from '../../../src/producer/murmur2.js'
import {
  createPartitioner,
  crc32Partition,
  DefaultPartitioner,
  type PartitionerContext,
} from '../../../src/producer/partitioners/index.js'

const b = (s: string) => Buffer.from(s, 'utf8')

// Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2:
// the Java int returned by Utils.murmur2 for each key's bytes.
const JAVA_UTILS_TEST: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
]

// librdkafka, src/rdmurmur2.c, unittest_murmur2 (`java_murmur2_results`, as uint32 bit patterns):
// covers every tail length (0 to 3 trailing bytes) and the empty key.
const LIBRDKAFKA_UNITTEST: [string, number][] = [
  ['kafka', 0xd067cf64],
  ['giberish123456789', 0x8f552b0c],
  ['1234', 0x9fc97b14],
  ['234', 0xe7c009ca],
  ['34', 0x873930da],
  ['4', 0x5a4b5ca1],
  ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c],
  ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377],
  ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e],
  ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f],
  ['', 0x106e08d9],
]

t.test('murmur2 matches the Java client (Kafka UtilsTest vectors)', async (t) => {
  for (const [key, expected] of JAVA_UTILS_TEST) t.equal(murmur2(b(key)), expected, key)
})

t.test('murmur2 matches librdkafka unittest vectors (signed view of the uint32)', async (t) => {
  for (const [key, expected] of LIBRDKAFKA_UNITTEST) t.equal(murmur2(b(key)), expected | 0, JSON.stringify(key))
})

t.test('murmur2 hashes bytes, not characters, and works on a subarray view', async (t) => {
  const backing = b('xx' + 'foobar' + 'yy')
  t.equal(murmur2(backing.subarray(2, 8)), -790332482)
  // Bytes >= 0x80 must not be sign-extended into the word.
  t.not(murmur2(Buffer.from([0xff, 0xfe, 0xfd, 0xfc])), murmur2(Buffer.from([0x7f, 0x7e, 0x7d, 0x7c])))
})

t.test('toPositive clears the sign bit like Java', async (t) => {
  t.equal(toPositive(-790332482), 1357151166)
  t.equal(toPositive(-2147483648), 0)
  t.equal(toPositive(-1), 0x7fffffff)
  t.equal(toPositive(5), 5)
})

// Expected partitions: (javaHash & 0x7fffffff) % n computed by hand from the UtilsTest ints above.
const KEYED: [string, number, number][] = [
  ['foobar', 10, 6],
  ['foobar', 12, 6],
  ['foobar', 50, 16],
  ['foobar', 100, 66],
  ['21', 50, 40],
  ['a-little-bit-long-string', 12, 8],
  ['a-little-bit-longer-string', 6, 5],
  ['a-little-bit-longer-string', 12, 11],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 100, 77],
  ['abc', 6, 3],
  ['abc', 1, 0],
]

t.test('default and murmur2 partitioners place keyed records like Java', async (t) => {
  const def = createPartitioner('default')
  const mm = createPartitioner('murmur2')
  for (const [key, n, expected] of KEYED) {
    t.equal(murmur2Partition(b(key), n), expected, `murmur2Partition ${key} % ${n}`)
    t.equal(def.partition('t', b(key), null, n), expected, `default ${key} % ${n}`)
    t.equal(mm.partition('t', b(key), b('v'), n), expected, `murmur2 ${key} % ${n}`)
  }
  // An empty key is a key (Java hashes it), not a null key.
  t.equal(def.partition('t', Buffer.alloc(0), null, 50), (0x106e08d9 & 0x7fffffff) % 50)
})

t.test('consistent partitioner is CRC-32 of the key, unsigned', async (t) => {
  // CRC-32 check value (IEEE 802.3): crc32("123456789") = 0xCBF43926.
  t.equal(crc32Partition(b('123456789'), 0x7fffffff), 0xcbf43926 % 0x7fffffff)
  t.equal(crc32Partition(b('123456789'), 50), 0xcbf43926 % 50)
  // Expected values from an independent CRC-32 (Python zlib.crc32): kafka 0x5bbc7517, user-123 0xa2686a4e.
  const p = createPartitioner('consistent')
  t.equal(p.partition('t', b('123456789'), null, 10), 2)
  t.equal(p.partition('t', b('kafka'), null, 10), 9)
  t.equal(p.partition('t', b('kafka'), null, 12), 11)
  t.equal(p.partition('t', b('user-123'), null, 12), 6)
  t.equal(p.partition('t', b('giberish123456789'), null, 50), 21)
  // Null and empty keys hash as empty: CRC-32 0, partition 0 (librdkafka `consistent`).
  t.equal(p.partition('t', null, null, 7), 0)
  t.equal(p.partition('t', Buffer.alloc(0), null, 7), 0)
})

t.test('default partitioner: unkeyed records stick to one partition until onNewBatch', async (t) => {
  const p = new DefaultPartitioner()
  const first = p.partition('t', null, b('v'), 6)
  t.ok(first >= 0 && first < 6)
  for (let i = 0; i < 100; i++) t.equal(p.partition('t', null, b('v'), 6), first)
  // Keyed records in between do not disturb the sticky partition.
  p.partition('t', b('foobar'), null, 6)
  t.equal(p.partition('t', null, null, 6), first)

  let prev = first
  for (let i = 0; i < 50; i++) {
    p.onNewBatch('t', prev, 6)
    const next = p.partition('t', null, null, 6)
    t.not(next, prev, 'switches to another partition')
    t.ok(next >= 0 && next < 6)
    prev = next
  }
  // A late onNewBatch for a partition that is no longer sticky changes nothing.
  const stale = (prev + 1) % 6
  p.onNewBatch('t', stale, 6)
  t.equal(p.partition('t', null, null, 6), prev)
})

t.test('default partitioner: sticky state is per topic and visits every partition', async (t) => {
  const p = new DefaultPartitioner()
  const a = p.partition('a', null, null, 1000)
  const seen = new Set<number>()
  let cur = p.partition('b', null, null, 4)
  for (let i = 0; i < 400; i++) {
    seen.add(cur)
    p.onNewBatch('b', cur, 4)
    cur = p.partition('b', null, null, 4)
  }
  t.same([...seen].sort(), [0, 1, 2, 3])
  t.equal(p.partition('a', null, null, 1000), a, 'topic a untouched by topic b batches')
})

t.test('default partitioner: single partition and available partitions', async (t) => {
  const p = new DefaultPartitioner()
  t.equal(p.partition('one', null, null, 1), 0)
  p.onNewBatch('one', 0, 1)
  t.equal(p.partition('one', null, null, 1), 0, 'stays on the only partition')

  const available = [1, 4]
  for (let i = 0; i < 30; i++) {
    const cur = p.partition('av', null, null, 6, available)
    t.ok(available.includes(cur), 'sticks only to available partitions')
    p.onNewBatch('av', cur, 6, available)
    t.not(p.partition('av', null, null, 6, available), cur)
  }
  p.onNewBatch('av', p.partition('av', null, null, 6, [3]), 6, [3])
  t.equal(p.partition('av', null, null, 6, [3]), 3, 'only one available partition')

  // A sticky choice beyond a smaller partition count is not returned.
  const q = new DefaultPartitioner()
  let big = q.partition('s', null, null, 100)
  while (big < 10) {
    q.onNewBatch('s', big, 100)
    big = q.partition('s', null, null, 100)
  }
  const small = q.partition('s', null, null, 3)
  t.ok(small >= 0 && small < 3)
})

t.test('murmur2 partitioner sends null keys to random partitions', async (t) => {
  const p = createPartitioner('murmur2')
  const seen = new Set<number>()
  for (let i = 0; i < 500; i++) seen.add(p.partition('t', null, null, 4))
  t.same([...seen].sort(), [0, 1, 2, 3])
  for (let i = 0; i < 50; i++) t.equal(p.partition('t', null, null, 6, [5]), 5)
})

t.test('random partitioner covers the (available) partitions', async (t) => {
  const p = createPartitioner('random')
  const seen = new Set<number>()
  for (let i = 0; i < 500; i++) seen.add(p.partition('t', b('same key'), null, 5))
  t.same([...seen].sort(), [0, 1, 2, 3, 4])
  for (let i = 0; i < 50; i++) t.ok([0, 2].includes(p.partition('t', null, null, 5, [0, 2])))
})

t.test('roundRobin cycles per topic, over available partitions when given', async (t) => {
  const p = createPartitioner('roundRobin')
  const got: number[] = []
  for (let i = 0; i < 7; i++) got.push(p.partition('t', b('k'), null, 3))
  t.same(got, [0, 1, 2, 0, 1, 2, 0])
  t.equal(p.partition('other', null, null, 3), 0, 'independent counter per topic')
  t.equal(p.partition('t', null, null, 3), 1)
  const q = createPartitioner('roundRobin')
  const av: number[] = []
  for (let i = 0; i < 5; i++) av.push(q.partition('t', null, null, 10, [2, 5, 7]))
  t.same(av, [2, 5, 7, 2, 5])
})

t.test('user partitioner function: valid results pass, invalid results throw ConfigError', async (t) => {
  let seen: PartitionerContext | undefined
  const ok = createPartitioner((ctx) => {
    seen = { ...ctx }
    return ctx.key === null ? 0 : ctx.key.length % ctx.partitionCount
  })
  t.equal(ok.partition('t', b('abcd'), b('v'), 3, [0, 1, 2]), 1)
  t.same(seen, { topic: 't', key: b('abcd'), value: b('v'), partitionCount: 3, availablePartitions: [0, 1, 2] })

  for (const bad of [3, -1, 1.5, NaN, Infinity, '1', null, undefined]) {
    const p = createPartitioner(() => bad as unknown as number)
    t.throws(() => p.partition('t', null, null, 3), ConfigError, `result ${String(bad)}`)
  }
  const thrower = createPartitioner(() => {
    throw new TypeError('boom')
  })
  try {
    thrower.partition('t', null, null, 3)
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof ConfigError)
    t.ok(err instanceof KafkaError)
    t.type((err as ConfigError).cause, TypeError)
  }
})

t.test('invalid partition counts and names are typed errors', async (t) => {
  for (const name of ['default', 'murmur2', 'consistent', 'random', 'roundRobin'] as const) {
    const p = createPartitioner(name)
    for (const n of [0, -1, 1.5, NaN]) t.throws(() => p.partition('t', b('k'), null, n), ConfigError, `${name} with ${n}`)
  }
  t.throws(() => createPartitioner('sticky' as never), ConfigError)
  t.type(createPartitioner(), DefaultPartitioner)
})
