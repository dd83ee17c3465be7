import { testKafka, uniqueName, createTestTopics } from '@lsc/testing';
import { fixKafkaJsIdleLoop } from './kafkajs-idle-loop';

// kafkajs' internal request queue, reached the way the fix reaches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: Record<string, unknown>) => QueueUnderTest;

interface QueueUnderTest {
  pending: unknown[];
  inflight: Map<number, unknown>;
  push(request: { entry: { correlationId: number; resolve: () => void; reject: () => void }; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: unknown; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
  checkPendingRequests(): void;
}

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often every request queue of the process checked its pending requests during `ms`. */
async function checksDuring(ms: number): Promise<number> {
  const proto = (RequestQueue as unknown as { prototype: QueueUnderTest }).prototype;
  const original = proto.checkPendingRequests;
  let checks = 0;
  proto.checkPendingRequests = function counted(this: QueueUnderTest) {
    checks++;
    original.call(this);
  };
  try {
    await sleep(ms);
  } finally {
    proto.checkPendingRequests = original;
  }
  return checks;
}

describe('the kafkajs idle-loop fix (real broker)', () => {
  it('stops an idle connection from checking its empty queue every millisecond, and requests still flow', async () => {
    const kafka = testKafka(uniqueName('idle-loop'));
    const [topic] = await createTestTopics(kafka, [uniqueName('idle-loop')], { partitions: 1 });
    const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'warm-up' }] });
      // Unfixed, every connection that has had an answer re-arms a 1 ms timer for ever (tulios/kafkajs#1556): ~450
      // checks in 500 ms on an idle machine, fewer when the event loop waits for a busy CPU.
      const before = await checksDuring(500);
      expect(before).toBeGreaterThan(50);

      expect(fixKafkaJsIdleLoop()).toBe(true);
      await sleep(20); // the timer armed before the fix fires one last time
      const after = await checksDuring(500);
      // What is left: a check per answer to the producer's own metadata refreshes, if any falls in the window.
      expect(after).toBeLessThan(10);

      // One request in flight, so 50 concurrent sends wait in the queue and are sent as answers come back.
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic, messages: [{ value: String(i) }] })));
      expect(results).toHaveLength(50);
    } finally {
      await producer.disconnect();
    }
  });

  describe('a queue with requests waiting (fixed)', () => {
    beforeAll(() => expect(fixKafkaJsIdleLoop()).toBe(true));

    const newQueue = () => new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30000, enforceRequestTimeout: false, clientId: 'spec', broker: 'spec:9092', logger: silentLogger });
    const request = (correlationId: number, sent: number[]) => ({ entry: { correlationId, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(correlationId) });

    it('sends a request that waited for the one in flight when that one is answered', () => {
      const queue = newQueue();
      const sent: number[] = [];
      queue.push(request(1, sent));
      queue.push(request(2, sent));
      expect(sent).toEqual([1]);
      expect(queue.pending).toHaveLength(1);
      queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
      expect(sent).toEqual([1, 2]);
      queue.destroy();
    });

    it('sends a request that waited out a broker throttle once the throttle ends, with nothing else happening', async () => {
      const queue = newQueue();
      const sent: number[] = [];
      queue.maybeThrottle(80);
      queue.push(request(1, sent));
      expect(sent).toEqual([]);
      await sleep(200);
      expect(sent).toEqual([1]);
      queue.destroy();
    });
  });
});
