import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName } from './index';

/**
 * The project runs Apache Kafka 4.x from its Maven Central jars; KafkaJS 2.2.4 predates it. This proves the client
 * works against the broker for everything the services use: admin createTopics, acks=all produce, group consume,
 * manual commit and committed-offset reads.
 */
describe('KafkaJS 2.2.4 against the project broker', () => {
  const kafka = testKafka();
  const topic = uniqueName('compat');

  afterAll(() => deleteTestTopics(kafka, [topic]));

  it('creates topics, produces with acks=all, consumes in a group, commits and reads back the committed offsets', async () => {
    await createTestTopics(kafka, [topic], { partitions: 6 });
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions).toHaveLength(6);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 10}`, value: `v${i}` })) });
    await producer.disconnect();

    const groupId = uniqueName('compat-group');
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        values.push(message.value!.toString());
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    await eventually(() => values.length === 60, { what: '60 messages' });
    await consumer.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(60);
    expect(new Set(values).size).toBe(60);
    await admin.disconnect();
  });

  it('is reachable by a client nobody here wrote: kcat lists the broker and the project topics', () => {
    const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'contracts', 'src', 'topics.json'), 'utf8')) as { topics: Array<{ name: string }> };
    const listing = execFileSync('kcat', ['-b', (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0], '-L', '-m', '10'], { encoding: 'utf8' });
    expect(listing).toMatch(/1 brokers:\s+broker 1 at 127\.0\.0\.1:9092/);
    for (const { name } of spec.topics) {
      expect(listing).toContain(`topic "${name}" with 6 partitions`);
      expect(listing).toContain(`topic "${name}.dlt" with 6 partitions`);
    }
  });
});
