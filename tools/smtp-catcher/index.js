/**
 * smtp-catcher — a local SMTP sink for development and tests (no auth, no TLS, loopback only).
 *
 *   node tools/smtp-catcher/index.js --port 1025 --dir .var/mail [--host 127.0.0.1] [--max-size 26214400]
 *
 * Every accepted message is written to <dir>/<UTC time>_<message-id>.eml (raw RFC 5322, openable in any
 * mail client). Recipients in the reserved `.invalid` TLD (RFC 2606) and syntactically broken addresses
 * are refused with 550/553, so permanent-failure paths can be tested. `start({ port: 0 })` picks a free
 * port; `close()` releases it, so tests can simulate an outage and start the catcher again on that port.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { SMTPServer } = require('smtp-server');

const DEFAULT_MAX_SIZE = 25 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
// Deliberately simple: enough to reject what a real MTA would refuse outright, not a full RFC 5321 parser.
const ADDRESS = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function smtpError(message, responseCode) {
  return Object.assign(new Error(message), { responseCode });
}

function checkRecipient(address) {
  if (!ADDRESS.test(address)) return smtpError(`5.1.3 Bad recipient address syntax: ${address}`, 553);
  if (/\.invalid$/i.test(address)) return smtpError(`5.1.1 Mailbox unavailable: ${address}`, 550);
  return null;
}

function messageIdOf(raw) {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const headers = raw.subarray(0, headerEnd === -1 ? raw.length : headerEnd).toString('utf8');
  const match = /^message-id:\s*<?([^>\r\n]+)>?/im.exec(headers);
  return match ? match[1].trim() : `no-id-${crypto.randomUUID()}`;
}

function fileNameFor(raw, receivedAt) {
  const time = receivedAt.toISOString().replace(/[:.]/g, '-');
  const id = messageIdOf(raw).replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 120);
  return `${time}_${id}.eml`;
}

/** Write then rename, so a reader polling the directory never sees half a message. */
function store(dir, raw) {
  const name = fileNameFor(raw, new Date());
  const target = path.join(dir, name);
  const temporary = `${target}.part`;
  fs.writeFileSync(temporary, raw);
  fs.renameSync(temporary, target);
  return target;
}

/**
 * @param {{ port?: number, dir?: string, host?: string, maxSize?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ port: number, host: string, dir: string, sessions: () => number, close: () => Promise<void> }>}
 */
function start(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const dir = path.resolve(options.dir ?? '.var/mail');
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const log = options.log ?? (() => undefined);
  if (!LOOPBACK.has(host)) return Promise.reject(new Error(`smtp-catcher only listens on loopback, not ${host}`));
  fs.mkdirSync(dir, { recursive: true });
  let sessions = 0;

  const server = new SMTPServer({
    name: 'smtp-catcher.local',
    banner: 'smtp-catcher ready',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxSize,
    logger: false,
    closeTimeout: 1000,
    onConnect(_session, callback) {
      sessions += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      callback(checkRecipient(address.address) ?? undefined);
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(`5.3.4 Message exceeds fixed maximum size of ${maxSize} bytes`, 552));
        try {
          const file = store(dir, Buffer.concat(chunks));
          log(`stored ${path.basename(file)} for ${session.envelope.rcptTo.map((r) => r.address).join(', ')}`);
          callback(null, `queued as ${path.basename(file)}`);
        } catch (error) {
          callback(smtpError(`4.3.0 Could not store message: ${error.message}`, 451));
        }
      });
    },
  });

  return new Promise((resolve, reject) => {
    const onError = (error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 1025, host, () => {
      server.removeListener('error', onError);
      server.on('error', (error) => log(`error: ${error.message}`));
      const { port } = server.server.address();
      resolve({ port, host, dir, sessions: () => sessions, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === '--port') options.port = Number(value);
    else if (flag === '--dir') options.dir = value;
    else if (flag === '--host') options.host = value;
    else if (flag === '--max-size') options.maxSize = Number(value);
    else throw new Error(`unknown option ${flag} (known: --port, --dir, --host, --max-size)`);
  }
  return options;
}

if (require.main === module) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`smtp-catcher: ${error.message}`);
    process.exit(2);
  }
  start({ ...options, log: (line) => console.log(`smtp-catcher: ${line}`) }).then(
    (catcher) => {
      console.log(`smtp-catcher: listening on ${catcher.host}:${catcher.port}, writing to ${catcher.dir}`);
      const stop = () => catcher.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error) => {
      console.error(`smtp-catcher: ${error.message}`);
      process.exit(1);
    },
  );
}

module.exports = { start, DEFAULT_MAX_SIZE };
