/**
 * From POST /api/v1/events to a socket.io-client on /live, on the test run's redis-server
 * (the tests: support/live-e2e-cases.ts; the same on a Redis Cluster: redis-cluster.test.ts).
 */
import { liveE2eTests } from './support/live-e2e-cases.js';

liveE2eTests();
