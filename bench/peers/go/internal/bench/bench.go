// Package bench is what the Go peers share: the scenario the harness sends in BENCH_CONFIG
// (bench/scenarios/shared/child.d.mts, ChildConfig) and the one BENCH_RESULT line it reads back.
package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"time"
)

// Config mirrors ChildConfig (bench/scenarios/shared/child.d.mts).
type Config struct {
	Scenario               string  `json:"scenario"`
	Bootstrap              string  `json:"bootstrap"`
	Topic                  string  `json:"topic"`
	Partitions             int     `json:"partitions"`
	Records                int     `json:"records"`
	Key                    *string `json:"key"`
	Value                  *string `json:"value"`
	ValueSize              int     `json:"valueSize"`
	Acks                   int     `json:"acks"`
	Compression            string  `json:"compression"`
	BatchBytes             int     `json:"batchBytes"`
	LingerMs               int     `json:"lingerMs"`
	Rate                   int     `json:"rate"`
	DurationMs             int     `json:"durationMs"`
	GroupID                string  `json:"groupId"`
	Idempotent             bool    `json:"idempotent"`
	MaxInFlight            int     `json:"maxInFlight"`
	BufferBytes            int     `json:"bufferBytes"`
	FetchMinBytes          int     `json:"fetchMinBytes"`
	FetchMaxWaitMs         int     `json:"fetchMaxWaitMs"`
	FetchMaxBytes          int     `json:"fetchMaxBytes"`
	MaxPartitionFetchBytes int     `json:"maxPartitionFetchBytes"`
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50   float64 `json:"p50"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Count int     `json:"count"`
}

// Result is the BENCH_RESULT line.
type Result struct {
	Records   int      `json:"records"`
	Bytes     int64    `json:"bytes"`
	ElapsedMs float64  `json:"elapsedMs"`
	LatencyMs *Latency `json:"latencyMs,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// Load reads BENCH_CONFIG.
func Load() Config {
	var c Config
	text := os.Getenv("BENCH_CONFIG")
	if text == "" {
		Fail(fmt.Errorf("BENCH_CONFIG is not set: run this through bench/run.ts"))
	}
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		Fail(fmt.Errorf("BENCH_CONFIG: %w", err))
	}
	return c
}

// Report prints the result line.
func Report(r Result) {
	b, _ := json.Marshal(r)
	fmt.Printf("BENCH_RESULT %s\n", b)
}

// Fail prints the error line the harness shows and exits non-zero.
func Fail(err error) {
	fmt.Fprintf(os.Stderr, "BENCH_ERROR %v\n", err)
	os.Exit(1)
}

// KeyBytes is the record key, nil for none.
func (c Config) KeyBytes() []byte {
	if c.Key == nil {
		return nil
	}
	return []byte(*c.Key)
}

// ValueBytes is the fixed value, or ValueSize random letters A–Z made once (as ProducerPerformance does).
func (c Config) ValueBytes() []byte {
	if c.Value != nil {
		return []byte(*c.Value)
	}
	b := make([]byte, c.ValueSize)
	for i := range b {
		b[i] = byte('A' + rand.Intn(26))
	}
	return b
}

// RecordBytes is the payload (key + value) of one record.
func (c Config) RecordBytes() int64 {
	return int64(len(c.KeyBytes()) + len(c.ValueBytes()))
}

// Epoch is the process' clock origin for latency values.
var Epoch = time.Now()

// NowMs is monotonic milliseconds since Epoch.
func NowMs() float64 { return float64(time.Since(Epoch).Nanoseconds()) / 1e6 }

// StampValue is the latency scenario's value: the send time in ms.
func StampValue() []byte { return []byte(strconv.FormatFloat(NowMs(), 'f', 3, 64)) }

// SinceStamp is the latency of a record whose value is a StampValue.
func SinceStamp(v []byte) float64 {
	t, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return math.NaN()
	}
	return NowMs() - t
}

// Percentiles of the samples (sorted in place), as child.mjs computes them.
func Percentiles(s []float64) *Latency {
	sort.Float64s(s)
	at := func(q float64) float64 {
		if len(s) == 0 {
			return math.NaN()
		}
		i := int(math.Ceil(q*float64(len(s)))) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(s) {
			i = len(s) - 1
		}
		return s[i]
	}
	return &Latency{P50: at(0.5), P99: at(0.99), P999: at(0.999), Count: len(s)}
}

// Paced calls sendDue(n) every millisecond with the records now due, so that Rate records/s go
// out for DurationMs; returns the number sent.
func Paced(rate, durationMs int, sendDue func(n int)) int {
	start := time.Now()
	sent := 0
	for {
		elapsed := float64(time.Since(start).Nanoseconds()) / 1e6
		if elapsed >= float64(durationMs) {
			return sent
		}
		due := int(math.Floor(elapsed*float64(rate)/1000)) - sent
		if due > 0 {
			sendDue(due)
			sent += due
		}
		time.Sleep(time.Millisecond)
	}
}

// WaitFor polls done every 5 ms until it is true or timeout passed.
func WaitFor(done func() bool, timeout time.Duration) bool {
	end := time.Now().Add(timeout)
	for !done() && time.Now().Before(end) {
		time.Sleep(5 * time.Millisecond)
	}
	return done()
}
