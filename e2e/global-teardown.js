// Stops the stack only if global-setup started it (SIGTERM: start.mjs stops its services; infra keeps running).
'use strict';
const stop = async (child) => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30000))]);
};

module.exports = async function globalTeardown() {
  await Promise.all((globalThis.__E2E_CHILDREN__ ?? []).map(stop));
  const child = globalThis.__E2E_STACK__;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30000))]);
};
