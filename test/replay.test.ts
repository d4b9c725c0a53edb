/**
 * Order and duplicates must not matter, on the test run's redis-server (the tests:
 * support/replay-cases.ts; the same on a Redis Cluster: redis-cluster.test.ts).
 */
import { replayTests } from './support/replay-cases.js';

replayTests();
