// Usage suite (issue 11): three range members, a producer and an admin from ONE Kafka instance.
import t from 'tap'
import { threeMembersOneInstance } from './three-members.js'

t.test('range: three members, a producer and an admin share one Kafka', (t) => threeMembersOneInstance(t, 'range'))
