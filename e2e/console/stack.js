// A disposable stack for the staff console's browser tests and for regenerating the API client without touching the
// shared stack on 3000–3004: own PostgreSQL cluster, Redis, Kafka and SMTP (libs/testing's DisposableStack), the five
// services on 3600–3604, and the staff accounts the scenarios sign in with. Needs `nx run-many -t build` first.
// `node e2e/console/stack.js` runs until SIGTERM/SIGINT, then stops everything it started.
'use strict';
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { DisposableStack } = require('../../libs/testing/dist/stack.js');
const { generatedPassword } = require('../support/staff-accounts.js');

const PORTS = { gateway: 3600, identity: 3601, membership: 3602, billing: 3603, notification: 3604, smtp: 21025, postgres: 25432, redis: 26379, kafka: 29092, kafkaController: 29093 };
/** The bootstrap super-admin (CLI, password on stdin); every other account is made through the console. */
// Its password is made up per run (the stack is disposable) and handed to the tests in ready.json, never committed.
const ROOT = { username: 'console_root', password: generatedPassword(), roles: ['super_admin'] };

async function main() {
  // The console scenarios sign in as a person would, second factor included (finance and super_admin enrol on first
  // sign-in; the scenario computes the codes from the key the enrolment page shows).
  process.env.STAFF_TWO_FACTOR_ROLES ??= 'finance,super_admin';
  const stack = new DisposableStack('console', PORTS);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop().catch((err) => console.error(err));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await stack.start();
  stack.createStaff(ROOT.username, ROOT.password, ROOT.roles);
  mkdirSync(stack.varDir, { recursive: true });
  writeFileSync(join(stack.varDir, 'ready.json'), JSON.stringify({ baseUrl: stack.baseUrl, mailDir: stack.mailDir, root: ROOT, ports: PORTS, pid: process.pid }));
  console.log(`[console-stack] ready at ${stack.baseUrl} (mail: ${stack.mailDir})`);
  setInterval(() => undefined, 60_000);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
