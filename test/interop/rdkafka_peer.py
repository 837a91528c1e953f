"""librdkafka (through confluent-kafka-python) on the other side of the wire, for kafkats's
interop tests (test/integration/interop/librdkafka.test.ts). Same commands and output as
JavaPeer.java:

  consume <bootstrap> <topic> <count>   reads <count> records from the start of every partition
                                        (no group); one JSON line per record.
  member  <bootstrap> <group> <topic> <range|cooperative-sticky|consumer>
                                        a group member: {"assigned": [...]} after every
                                        rebalance, {"partition", "offset"} per record, a commit
                                        after every batch; leaves the group on "stop" on stdin.
                                        "consumer": group.protocol=consumer (KIP-848).
"""
import base64
import json
import sys
import threading

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING


def b64(b):
    return None if b is None else base64.b64encode(b).decode()


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def consume(bootstrap, topic, count):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-rdkafka-peer", "enable.auto.commit": False,
                  "check.crcs": True})
    md = c.list_topics(topic, timeout=30)
    partitions = sorted(md.topics[topic].partitions.keys())
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    seen = 0
    idle = 0
    while seen < count and idle < 120:
        batch = c.consume(num_messages=1000, timeout=0.5)
        idle = idle + 1 if not batch else 0
        for m in batch:
            if m.error():
                raise RuntimeError(str(m.error()))
            ts = m.timestamp()[1]
            headers = [[k, b64(v)] for k, v in (m.headers() or [])]
            out({"partition": m.partition(), "offset": m.offset(), "timestamp": ts,
                 "leaderEpoch": m.leader_epoch() if m.leader_epoch() is not None else -1,
                 "key": b64(m.key()), "value": b64(m.value()), "headers": headers})
            seen += 1
    c.close()


def member(bootstrap, group, topic, assignor):
    conf = {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
            "auto.offset.reset": "earliest"}
    if assignor == "consumer":
        # KIP-848: the coordinator assigns and sets the session and heartbeat timing; librdkafka
        # refuses the classic protocol's settings with group.protocol=consumer.
        conf["group.protocol"] = "consumer"
    else:
        conf.update({"session.timeout.ms": 10000, "heartbeat.interval.ms": 500,
                     "partition.assignment.strategy": "range" if assignor == "range" else "cooperative-sticky"})
    c = Consumer(conf)
    owned = set()
    cooperative = assignor != "range"

    def on_assign(consumer, partitions):
        if not cooperative:
            owned.clear()
        owned.update(p.partition for p in partitions)
        out({"assigned": sorted(owned)})

    def on_revoke(consumer, partitions):
        if cooperative:
            owned.difference_update(p.partition for p in partitions)
        else:
            owned.clear()

    stop = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        stop.set()

    threading.Thread(target=read_stdin, daemon=True).start()
    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
    while not stop.is_set():
        batch = c.consume(num_messages=500, timeout=0.2)
        got = False
        for m in batch:
            if m.error():
                continue
            got = True
            out({"partition": m.partition(), "offset": m.offset()})
        if got:
            c.commit(asynchronous=False)
    c.close()
    out({"closed": True})


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "consume":
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "member":
        member(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        raise SystemExit("unknown command " + cmd)
