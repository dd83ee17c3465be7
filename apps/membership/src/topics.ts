import { BILLING_TOPIC, IDENTITY_TOPIC, MEMBERSHIP_TOPIC } from '@lsc/contracts';
import type { MembershipConfig } from './config';

export interface MembershipTopics {
  readonly identity: string;
  readonly billing: string;
  readonly membership: string;
}

export const MEMBERSHIP_TOPICS = Symbol('MEMBERSHIP_TOPICS');

/** The contract topics, plus the (test-only) suffix from the configuration. */
export function topicsFor(config: Pick<MembershipConfig, 'KAFKA_TOPIC_SUFFIX'>): MembershipTopics {
  const s = config.KAFKA_TOPIC_SUFFIX;
  return { identity: IDENTITY_TOPIC + s, billing: BILLING_TOPIC + s, membership: MEMBERSHIP_TOPIC + s };
}

/** Outbox topic of a contract topic under this configuration. */
export function outboxTopic(topics: MembershipTopics, contractTopic: string): string {
  return contractTopic === MEMBERSHIP_TOPIC ? topics.membership : contractTopic;
}
