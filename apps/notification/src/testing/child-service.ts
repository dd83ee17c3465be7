import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const appDir = join(repoRoot, 'apps', 'notification');
const mainJs = join(repoRoot, 'dist', 'apps', 'notification', 'main.js');

/** Compiles this app into dist exactly as `nx run notification:build` does (without rebuilding the libraries). */
export function buildNotification(): void {
  const r = spawnSync('npx', ['swc', 'src', '-d', '../../dist/apps/notification', '--strip-leading-paths', '--config-file', '../../.swcrc', '--copy-files', '--ignore', '**/*.spec.ts', '-q'], { cwd: appDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ChildService {
  readonly process: ChildProcess;
  readonly output: () => string;
  /** Resolves with the signal or exit code once the process is gone. */
  readonly exited: Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<string>;
}

/**
 * Runs the built service (`node dist/apps/notification/main.js`) as a separate, SIGKILL-able process and waits until
 * it listens — or, with mayDie (fault injection), until it listens or is gone, whichever comes first.
 */
export async function startChildService(env: Record<string, string>, options: { mayDie?: boolean } = {}): Promise<ChildService> {
  // LOG_LEVEL info last: the "listening" line is how we know the child is up.
  const childEnv = { ...process.env, HTTP_PORT: String(await freePort()), ...env, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [mainJs], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  const service: ChildService = {
    process: child,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 90000;
  while (!/"msg":"notification listening"/.test(out) && !gone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const started = (/"msg":"notification listening"/.test(out) && !gone) || (gone && options.mayDie === true);
  if (!started) {
    await service.kill();
    throw new Error(`notification child did not start:\n${out.slice(-4000)}`);
  }
  return service;
}
