import t from 'tap'
import { Admin } from '../../../src/admin/admin.js'
import type { ClientContext } from '../../../src/client-context.js'
import { ConfigError } from '../../../src/errors.js'

function context(tracked: Set<unknown>, released: unknown[] = []): ClientContext {
  return {
    cluster: { release: async (owner: unknown) => void released.push(owner) } as unknown as ClientContext['cluster'],
    log: {} as ClientContext['log'],
    options: { requestTimeoutMs: 30_000 } as ClientContext['options'],
    name: 'kafkats#admin-1',
    reportError: () => {},
    track: (c) => tracked.add(c),
    untrack: (c) => tracked.delete(c),
  }
}

t.test('options are validated into a ConfigError naming the field', async (t) => {
  const tracked = new Set<unknown>()
  t.throws(() => new Admin(context(tracked), { timeoutMs: -1 }), ConfigError)
  t.throws(() => new Admin(context(tracked), { timeoutMs: 1.5 }), /timeoutMs/)
  t.throws(() => new Admin(context(tracked), { timout: 5 } as never), ConfigError)
  t.equal(tracked.size, 0, 'a rejected admin is not tracked')
})

t.test('an admin is tracked until closed; calls after close reject with ClosedError', async (t) => {
  const tracked = new Set<unknown>()
  const released: unknown[] = []
  const admin = new Admin(context(tracked, released), {})
  t.ok(tracked.has(admin))
  await admin.close()
  await admin.close()
  t.equal(tracked.size, 0)
  t.match(released, [{ kind: 'admin' }], 'its own connections are released once')
  await t.rejects(admin.createTopics([{ name: 'x' }]), { code: 'CLIENT_CLOSED', name: 'ClosedError' })
  await t.rejects(admin.listOffsets([{ topic: 'x', partition: 0, at: 'latest' }]), { code: 'CLIENT_CLOSED' })
})
