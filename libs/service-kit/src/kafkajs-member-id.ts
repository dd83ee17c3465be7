/**
 * kafkajs (2.2.4, its latest release) restarts a crashed consumer with a new ConsumerGroup, which joins under an empty
 * member id. When the crash came from the broker going away, the consumer's LeaveGroup failed too, so the coordinator
 * still holds the old member once the broker is back. It then holds the rebalance until that member's session expires,
 * and the group consumes nothing for the whole session timeout. Seen in the chaos suite: all three service groups in
 * PreparingRebalance for 11–21 s after a broker restart (30 s timeout), each service having crashed and restarted its
 * consumer twice while the broker was down.
 *
 * The fix: the first join of a restarted consumer presents the member id it last had. A coordinator that still knows it
 * takes it as a rejoin, so the rebalance completes at once. One that does not answers UNKNOWN_MEMBER_ID, and kafkajs
 * then clears the id and joins anew (its own handling, unchanged), which costs one round trip. Measured in the chaos
 * suite (10 s session timeout): the three consumers back in their groups 0.2–0.9 s after the restarted broker was
 * ready, against 9.8 s without this.
 *
 * Member ids are remembered per consumer (its cluster object lives as long as the consumer) and forgotten when a
 * LeaveGroup succeeds: a consumer that left cleanly starts fresh, as upstream does. Applied once per process, before
 * any consumer runs; a kafkajs other than 2.2.4 is left alone.
 */
const PATCHED_VERSION = '2.2.4';

interface ConsumerGroupInternals {
  cluster: object;
  memberId: string | null;
  joinAndSync(): Promise<void>;
  leave(): Promise<void>;
}

let applied: boolean | undefined;

/** Returns whether the fix is in place (false: another kafkajs version, left untouched). */
export function keepKafkaJsMemberIdAcrossRestarts(): boolean {
  if (applied !== undefined) return applied;
  // Plain require (not createRequire): under jest it must reach the same module instances the code under test uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== PATCHED_VERSION) return (applied = false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: ConsumerGroupInternals };
  const lastMemberId = new WeakMap<object, string>();
  const joinedBefore = new WeakSet<ConsumerGroupInternals>();
  const upstreamJoin = ConsumerGroup.prototype.joinAndSync;
  const upstreamLeave = ConsumerGroup.prototype.leave;
  ConsumerGroup.prototype.joinAndSync = async function joinAndSync(this: ConsumerGroupInternals): Promise<void> {
    // Only a new ConsumerGroup's first join: later joins of the same one keep upstream's own member id handling.
    if (!joinedBefore.has(this) && !this.memberId) this.memberId = lastMemberId.get(this.cluster) ?? null;
    joinedBefore.add(this);
    await upstreamJoin.call(this);
    if (this.memberId) lastMemberId.set(this.cluster, this.memberId);
  };
  ConsumerGroup.prototype.leave = async function leave(this: ConsumerGroupInternals): Promise<void> {
    await upstreamLeave.call(this);
    lastMemberId.delete(this.cluster);
  };
  return (applied = true);
}
