// kafkats publish-1m: 1,000,000 small records (see bench/harness/scenarios.ts).
import { main } from './produce-records.js'

main()
