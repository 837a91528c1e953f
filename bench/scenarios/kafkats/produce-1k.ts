// kafkats produce-1k: 200,000 records of 1 KiB, lz4, acks all (see bench/harness/scenarios.ts).
import { main } from './produce-records.js'

main()
