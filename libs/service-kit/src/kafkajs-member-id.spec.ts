import { keepKafkaJsMemberIdAcrossRestarts } from './kafkajs-member-id';

// kafkajs' ConsumerGroup, reached the way the fix reaches it. Its network calls are replaced by stand-ins that behave
// like the coordinator (a join hands out or keeps a member id, a leave clears it or fails), so the fix's bookkeeping is
// checked on its own; the chaos suite checks it against a real broker restart.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: GroupUnderTest };

interface GroupUnderTest {
  cluster: object;
  memberId: string | null;
  joinAndSync(): Promise<void>;
  leave(): Promise<void>;
}

/** What each join presented to the coordinator. */
const presented: Array<string | null> = [];
let nextMemberId = 1;
let leaveFails = false;

ConsumerGroup.prototype.joinAndSync = async function coordinatorJoin(this: GroupUnderTest) {
  presented.push(this.memberId);
  // A coordinator keeps a member id it was shown and hands out a new one to a member that came without.
  if (!this.memberId) this.memberId = `member-${nextMemberId++}`;
};
ConsumerGroup.prototype.leave = async function coordinatorLeave(this: GroupUnderTest) {
  if (leaveFails) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  this.memberId = null;
};

/** A consumer's ConsumerGroup: kafkajs makes a new one on every (re)start, all sharing the consumer's cluster. */
const newGroup = (cluster: object): GroupUnderTest => Object.assign(Object.create(ConsumerGroup.prototype) as GroupUnderTest, { cluster, memberId: null });

describe('keeping the kafkajs member id across consumer restarts', () => {
  beforeAll(() => expect(keepKafkaJsMemberIdAcrossRestarts()).toBe(true));
  beforeEach(() => {
    presented.length = 0;
    leaveFails = false;
  });

  it('rejoins under the old member id after a crash whose LeaveGroup failed (broker gone)', async () => {
    const cluster = {};
    const first = newGroup(cluster);
    await first.joinAndSync();
    leaveFails = true;
    await expect(first.leave()).rejects.toThrow('ECONNREFUSED');

    const restarted = newGroup(cluster);
    await restarted.joinAndSync();
    expect(presented).toEqual([null, 'member-1']);
    expect(restarted.memberId).toBe('member-1');
  });

  it('starts fresh after a LeaveGroup that succeeded, as upstream does', async () => {
    const cluster = {};
    const first = newGroup(cluster);
    await first.joinAndSync();
    await first.leave();

    await newGroup(cluster).joinAndSync();
    expect(presented[1]).toBeNull();
  });

  it('leaves later joins of the same group to kafkajs (an id it cleared after UNKNOWN_MEMBER_ID stays cleared)', async () => {
    const cluster = {};
    const group = newGroup(cluster);
    await group.joinAndSync();
    group.memberId = null; // kafkajs' answer to UNKNOWN_MEMBER_ID
    await group.joinAndSync();
    expect(presented).toEqual([null, null]);
  });

  it('never hands one consumer’s member id to another consumer', async () => {
    const one = newGroup({});
    await one.joinAndSync();
    leaveFails = true;
    await expect(one.leave()).rejects.toThrow();

    await newGroup({}).joinAndSync();
    expect(presented[1]).toBeNull();
  });

  it('remembers the id the latest join ended with', async () => {
    const cluster = {};
    const group = newGroup(cluster);
    await group.joinAndSync();
    group.memberId = null;
    await group.joinAndSync(); // coordinator handed out a new id
    leaveFails = true;
    await expect(group.leave()).rejects.toThrow();

    await newGroup(cluster).joinAndSync();
    expect(presented.at(-1)).toBe(group.memberId);
  });
});
