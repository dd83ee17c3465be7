import { classifySmtpError } from './smtp-error-classifier';

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 Mailbox unavailable' }, 'permanent', 'invalid_address'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO' }, 'permanent', 'invalid_address'],
    [{ code: 'EMESSAGE', responseCode: 552, command: 'DATA', response: '552 5.3.4 Message exceeds fixed maximum size' }, 'permanent', 'too_large'],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 Spam' }, 'permanent', 'rejected'],
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'permanent', 'auth'],
    [{ code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' }, 'transient', 'temporary_rejection'],
    [{ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 4.7.1 Greylisted' }, 'transient', 'temporary_rejection'],
    [{ code: 'EPROTOCOL', responseCode: 421, response: '421 Service not available' }, 'transient', 'temporary_rejection'],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'transient', 'connection'],
    [{ code: 'ECONNECTION', message: 'Connection closed' }, 'transient', 'connection'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'transient', 'timeout'],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'permanent', 'invalid_address'],
    [new Error('something odd'), 'transient', 'unknown'],
    ['not even an error', 'transient', 'unknown'],
  ])('%o → %s/%s', (error, kind, reason) => {
    const classified = classifySmtpError(error);
    expect([classified.kind, classified.reason]).toEqual([kind, reason]);
    expect(classified.cause).toBe(error);
  });
});
