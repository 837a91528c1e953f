// The librdkafka peer of bench/run.ts, through confluent-kafka-go (which bundles a current
// librdkafka, linked statically with cgo): `bench-librdkafka produce|consume|latency`,
// scenario in BENCH_CONFIG, one BENCH_RESULT line out. Settings: the table in bench/README.md.
//
// produce uses the library's batch path: "go.batch.producer" with ProduceChannel(), whose
// goroutine hands the queued messages to rd_kafka_produce_batch() in one cgo call, and no
// delivery reports ("go.delivery.reports": false: no event, so no cgo call, per record).
// Completion is when librdkafka's queue is empty and the topic's high watermarks add up to
// the records sent. consume has no batch API in confluent-kafka-go: Poll() per message (one
// cgo call each, fields extracted in C), on assigned partitions (no group rebalance).
package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"kafkats.bench/peers/internal/bench"
)

func producerConfig(c bench.Config, batch bool) *kafka.ConfigMap {
	acks := "1"
	if c.Acks == -1 {
		acks = "all"
	}
	return &kafka.ConfigMap{
		"bootstrap.servers":                     c.Bootstrap,
		"client.id":                             "bench-librdkafka",
		"acks":                                  acks,
		"enable.idempotence":                    c.Idempotent,
		"compression.codec":                     c.Compression,
		"linger.ms":                             c.LingerMs,
		"batch.size":                            c.BatchBytes,
		"batch.num.messages":                    1000000,
		"queue.buffering.max.messages":          2000000,
		"queue.buffering.max.kbytes":            c.BufferBytes / 1024,
		"max.in.flight.requests.per.connection": c.MaxInFlight,
		"partitioner":                           "murmur2_random", // Java's and kafkats' key hash
		"socket.nagle.disable":                  true,
		"go.batch.producer":                     batch,
		"go.delivery.reports":                   false,
	}
}

func consumerConfig(c bench.Config) *kafka.ConfigMap {
	return &kafka.ConfigMap{
		"bootstrap.servers":               c.Bootstrap,
		"client.id":                       "bench-librdkafka",
		"group.id":                        c.GroupID, // required by the API; partitions are assigned, no rebalance
		"enable.auto.commit":              false,
		"auto.offset.reset":               "earliest",
		"fetch.max.bytes":                 c.FetchMaxBytes,
		"max.partition.fetch.bytes":       c.MaxPartitionFetchBytes,
		"fetch.min.bytes":                 c.FetchMinBytes,
		"fetch.wait.max.ms":               c.FetchMaxWaitMs,
		"socket.nagle.disable":            true,
		"go.application.rebalance.enable": false,
	}
}

func assignAll(cons *kafka.Consumer, c bench.Config) {
	parts := make([]kafka.TopicPartition, c.Partitions)
	for p := range parts {
		parts[p] = kafka.TopicPartition{Topic: &c.Topic, Partition: int32(p), Offset: kafka.OffsetBeginning}
	}
	if err := cons.Assign(parts); err != nil {
		bench.Fail(err)
	}
}

// stored is the sum of the topic's high watermarks.
func stored(p *kafka.Producer, c bench.Config) int64 {
	var sum int64
	for part := 0; part < c.Partitions; part++ {
		_, high, err := p.QueryWatermarkOffsets(c.Topic, int32(part), 10000)
		if err != nil {
			bench.Fail(err)
		}
		sum += high
	}
	return sum
}

func produce(c bench.Config) bench.Result {
	p, err := kafka.NewProducer(producerConfig(c, true))
	if err != nil {
		bench.Fail(err)
	}
	defer p.Close()
	// Connects and loads the topic's metadata before the clock starts.
	if _, err := p.GetMetadata(&c.Topic, false, 10000); err != nil {
		bench.Fail(err)
	}
	key := c.KeyBytes()
	value := c.ValueBytes()
	ch := p.ProduceChannel()
	start := time.Now()
	for i := 0; i < c.Records; i++ {
		ch <- &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &c.Topic, Partition: kafka.PartitionAny}, Key: key, Value: value}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for len(ch) > 0 {
		time.Sleep(100 * time.Microsecond)
	}
	// Not Flush(): without delivery reports it waits for an event in steps of 100 ms.
	for {
		if p.Len() == 0 && stored(p, c) >= int64(c.Records) {
			break
		}
		if time.Now().After(deadline) {
			bench.Fail(fmt.Errorf("the topic holds %d of %d records after 2 minutes", stored(p, c), c.Records))
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	return bench.Result{Records: c.Records, Bytes: int64(c.Records) * c.RecordBytes(), ElapsedMs: float64(elapsed.Nanoseconds()) / 1e6,
		Note: "go.batch.producer (rd_kafka_produce_batch), no delivery reports"}
}

func consume(c bench.Config) bench.Result {
	cons, err := kafka.NewConsumer(consumerConfig(c))
	if err != nil {
		bench.Fail(err)
	}
	defer cons.Close()
	count := 0
	var bytes int64
	start := time.Now()
	assignAll(cons, c)
	deadline := start.Add(5 * time.Minute)
	for count < c.Records {
		switch e := cons.Poll(100).(type) {
		case *kafka.Message:
			bytes += int64(len(e.Key) + len(e.Value))
			count++
		case kafka.Error:
			if e.IsFatal() {
				bench.Fail(e)
			}
		case nil:
			if time.Now().After(deadline) {
				bench.Fail(fmt.Errorf("read %d of %d records in 5 minutes", count, c.Records))
			}
		}
	}
	elapsed := time.Since(start)
	return bench.Result{Records: count, Bytes: bytes, ElapsedMs: float64(elapsed.Nanoseconds()) / 1e6}
}

func latency(c bench.Config) bench.Result {
	p, err := kafka.NewProducer(producerConfig(c, false))
	if err != nil {
		bench.Fail(err)
	}
	cc := consumerConfig(c)
	// Tuned for latency as librdkafka's wiki says ("How to decrease message latency"): an empty
	// fetch (the idle partitions) starts fetch.error.backoff.ms (default 500 ms) before the next one.
	_ = cc.SetKey("fetch.error.backoff.ms", 10)
	cons, err := kafka.NewConsumer(cc)
	if err != nil {
		bench.Fail(err)
	}
	assignAll(cons, c)
	var mu sync.Mutex
	samples := make([]float64, 0, c.Rate*c.DurationMs/1000+1000)
	var received atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if m, ok := cons.Poll(50).(*kafka.Message); ok {
				mu.Lock()
				samples = append(samples, bench.SinceStamp(m.Value))
				received.Store(int64(len(samples)))
				mu.Unlock()
			}
		}
	}()
	if _, err := p.GetMetadata(&c.Topic, false, 10000); err != nil {
		bench.Fail(err)
	}
	time.Sleep(time.Second)
	key := c.KeyBytes()
	start := time.Now()
	sent := bench.Paced(c.Rate, c.DurationMs, func(n int) {
		value := bench.StampValue()
		for i := 0; i < n; i++ {
			msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &c.Topic, Partition: kafka.PartitionAny}, Key: key, Value: value}
			for {
				err := p.Produce(msg, nil)
				if err == nil {
					break
				}
				if ke, ok := err.(kafka.Error); !ok || ke.Code() != kafka.ErrQueueFull {
					bench.Fail(err)
				}
				time.Sleep(time.Millisecond)
			}
		}
	})
	elapsed := time.Since(start)
	bench.WaitFor(func() bool { return received.Load() >= int64(sent) }, 10*time.Second)
	stop.Store(true)
	wg.Wait()
	p.Close()
	cons.Close()
	mu.Lock()
	defer mu.Unlock()
	r := bench.Result{Records: len(samples), ElapsedMs: float64(elapsed.Nanoseconds()) / 1e6, LatencyMs: bench.Percentiles(samples)}
	if len(samples) < sent {
		r.Note = fmt.Sprintf("%d of %d not received", sent-len(samples), sent)
	}
	return r
}

func main() {
	c := bench.Load()
	if len(os.Args) < 2 {
		bench.Fail(fmt.Errorf("usage: bench-librdkafka produce|consume|latency"))
	}
	switch os.Args[1] {
	case "produce":
		bench.Report(produce(c))
	case "consume":
		bench.Report(consume(c))
	case "latency":
		bench.Report(latency(c))
	default:
		bench.Fail(fmt.Errorf("unknown mode %s", os.Args[1]))
	}
}
