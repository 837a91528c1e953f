// Usage suite (issue 11): three cooperativeSticky members, a producer and an admin from ONE Kafka instance.
import t from 'tap'
import { threeMembersOneInstance } from './three-members.js'

t.test('cooperativeSticky: three members, a producer and an admin share one Kafka', (t) => threeMembersOneInstance(t, 'cooperativeSticky'))
