// The same KafkaJS script (scenario.ts) against the real `kafkajs` 2.2.4 package and against
// kafkats/kafkajs, on the real broker; their outputs must be equal: records (keys, values,
// headers, partitions chosen by DefaultPartitioner and LegacyPartitioner), offsets, committed
// offsets, metadata shapes, transactions, errors. Differences that are legitimate (topic name
// prefixes, node ids, timestamps) are normalized inside the scenario.
import { createRequire } from 'node:module'
import t from 'tap'
import * as facade from '../../../src/kafkajs/index.js'
import { bootstrap, uniqueTopic } from '../../helpers/cluster.js'
import { scenario, type KafkaJSModule } from './scenario.js'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as KafkaJSModule

t.test('kafkajs and kafkats/kafkajs give the same outputs', async (t) => {
  const brokers = [bootstrap()]
  const [theirs, ours] = await Promise.all([scenario(kafkajs, brokers, uniqueTopic('kjs-ref')), scenario(facade, brokers, uniqueTopic('kjs-ours'))])
  for (const step of Object.keys(theirs)) t.same(ours[step], theirs[step], step)
  t.same(Object.keys(ours), Object.keys(theirs))
})
