import t from 'tap'
import { Wakeup } from '../../../src/consumer/wakeup.js'

t.test('notify wakes current waiters only', async (t) => {
  const w = new Wakeup()
  let woke = 0
  const p = w.wait().then(() => woke++)
  w.notify()
  await p
  t.equal(woke, 1)
  w.notify() // nobody waiting: no effect on later waiters
  const start = Date.now()
  await w.wait(30)
  t.ok(Date.now() - start >= 25, 'a later wait still times out')
})

t.test('abort resolves a wait early and leaves no timer', async (t) => {
  const w = new Wakeup()
  const ac = new AbortController()
  const p = w.wait(60_000, ac.signal)
  ac.abort()
  await p
  await w.wait(1, AbortSignal.abort())
  t.pass('resolved')
})
