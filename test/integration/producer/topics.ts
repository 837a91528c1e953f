/** Topic setup for producer integration tests. */
import type { Kafka } from '../../../src/client.js'

/** Creates a topic and waits until every partition has a leader in the client's metadata. */
export async function createTopic(kafka: Kafka, name: string, partitions: number, replicationFactor = 1, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin()
  try {
    const [result] = await admin.createTopics([{ name, partitions, replicationFactor, configs }])
    if (result.errorCode !== 0) throw new Error(`creating ${name}: ${result.errorName} ${result.errorMessage ?? ''}`)
  } finally {
    await admin.close()
  }
  for (let i = 0; i < 100; i++) {
    const meta = (await kafka.cluster.metadata([name], { force: true })).get(name)
    if (meta !== undefined && meta.errorCode === 0 && meta.partitions.length === partitions && meta.partitions.every((p) => p.leader >= 0)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`topic ${name} has no leaders after 10 s`)
}
