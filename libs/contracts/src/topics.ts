import spec from './topics.json';

export const TOPIC_PARTITIONS: number = spec.partitions;
export const TOPICS = spec.topics.map((t) => t.name);
export const deadLetterTopic = (topic: string): string => `${topic}.dlt`;
