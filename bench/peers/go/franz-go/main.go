// The franz-go peer of bench/run.ts: `bench-franz-go produce|consume|latency`, scenario in
// BENCH_CONFIG, one BENCH_RESULT line out. Settings: the table in bench/README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"kafkats.bench/peers/internal/bench"
)

func producerOpts(c bench.Config) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(strings.Split(c.Bootstrap, ",")...),
		kgo.ClientID("bench-franz-go"),
		kgo.ProducerLinger(time.Duration(c.LingerMs) * time.Millisecond),
		kgo.ProducerBatchMaxBytes(int32(c.BatchBytes)),
		kgo.MaxBufferedBytes(c.BufferBytes),
		kgo.MaxBufferedRecords(2_000_000),
		kgo.MaxProduceRequestsInflightPerBroker(c.MaxInFlight),
	}
	if c.Acks == -1 {
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	} else {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	}
	if !c.Idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	if c.Compression == "lz4" {
		opts = append(opts, kgo.ProducerBatchCompression(kgo.Lz4Compression()))
	} else {
		opts = append(opts, kgo.ProducerBatchCompression(kgo.NoCompression()))
	}
	return opts
}

func consumerOpts(c bench.Config) []kgo.Opt {
	offsets := make(map[int32]kgo.Offset, c.Partitions)
	for p := 0; p < c.Partitions; p++ {
		offsets[int32(p)] = kgo.NewOffset().AtStart()
	}
	return []kgo.Opt{
		kgo.SeedBrokers(strings.Split(c.Bootstrap, ",")...),
		kgo.ClientID("bench-franz-go"),
		// No group: every partition assigned from the start, as kafkats' consume path.
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.Topic: offsets}),
		kgo.FetchMaxBytes(int32(c.FetchMaxBytes)),
		kgo.FetchMaxPartitionBytes(int32(c.MaxPartitionFetchBytes)),
		kgo.FetchMinBytes(int32(c.FetchMinBytes)),
		kgo.FetchMaxWait(time.Duration(c.FetchMaxWaitMs) * time.Millisecond),
	}
}

func produce(c bench.Config) bench.Result {
	cl, err := kgo.NewClient(producerOpts(c)...)
	if err != nil {
		bench.Fail(err)
	}
	defer cl.Close()
	ctx := context.Background()
	// Connects before the clock starts (topic metadata loads with the first record, as in librdkafka).
	if err := cl.Ping(ctx); err != nil {
		bench.Fail(err)
	}
	key := c.KeyBytes()
	value := c.ValueBytes()
	var firstErr atomic.Value
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			firstErr.CompareAndSwap(nil, err)
		}
	}
	start := time.Now()
	for i := 0; i < c.Records; i++ {
		cl.Produce(ctx, &kgo.Record{Topic: c.Topic, Key: key, Value: value}, done)
	}
	if err := cl.Flush(ctx); err != nil {
		bench.Fail(err)
	}
	elapsed := time.Since(start)
	if e := firstErr.Load(); e != nil {
		bench.Fail(e.(error))
	}
	return bench.Result{Records: c.Records, Bytes: int64(c.Records) * c.RecordBytes(), ElapsedMs: float64(elapsed.Nanoseconds()) / 1e6}
}

func consume(c bench.Config) bench.Result {
	cl, err := kgo.NewClient(consumerOpts(c)...)
	if err != nil {
		bench.Fail(err)
	}
	defer cl.Close()
	ctx := context.Background()
	count := 0
	var bytes int64
	// The clock starts before the first ListOffsets and Fetch (NewClient only configures).
	start := time.Now()
	deadline := start.Add(5 * time.Minute)
	for count < c.Records {
		if time.Now().After(deadline) {
			bench.Fail(fmt.Errorf("read %d of %d records in 5 minutes", count, c.Records))
		}
		fetches := cl.PollFetches(ctx)
		if errs := fetches.Errors(); len(errs) > 0 {
			bench.Fail(errs[0].Err)
		}
		it := fetches.RecordIter()
		for !it.Done() {
			r := it.Next()
			bytes += int64(len(r.Key) + len(r.Value))
			count++
		}
	}
	elapsed := time.Since(start)
	return bench.Result{Records: count, Bytes: bytes, ElapsedMs: float64(elapsed.Nanoseconds()) / 1e6}
}

func latency(c bench.Config) bench.Result {
	prod, err := kgo.NewClient(producerOpts(c)...)
	if err != nil {
		bench.Fail(err)
	}
	cons, err := kgo.NewClient(consumerOpts(c)...)
	if err != nil {
		bench.Fail(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	samples := make([]float64, 0, c.Rate*c.DurationMs/1000+1000)
	var received atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			fetches := cons.PollFetches(ctx)
			it := fetches.RecordIter()
			mu.Lock()
			for !it.Done() {
				samples = append(samples, bench.SinceStamp(it.Next().Value))
			}
			n := len(samples)
			mu.Unlock()
			received.Store(int64(n))
		}
	}()
	if err := prod.Ping(ctx); err != nil {
		bench.Fail(err)
	}
	time.Sleep(time.Second)
	key := c.KeyBytes()
	start := time.Now()
	sent := bench.Paced(c.Rate, c.DurationMs, func(n int) {
		value := bench.StampValue()
		for i := 0; i < n; i++ {
			prod.Produce(ctx, &kgo.Record{Topic: c.Topic, Key: key, Value: value}, nil)
		}
	})
	elapsed := time.Since(start)
	bench.WaitFor(func() bool { return received.Load() >= int64(sent) }, 10*time.Second)
	cancel()
	prod.Close()
	cons.Close()
	wg.Wait()
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
		bench.Fail(fmt.Errorf("usage: bench-franz-go produce|consume|latency"))
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
