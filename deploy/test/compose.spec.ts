import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { findCommand, readTopics, repoRoot, services } from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const composeFile = join(repoRoot, 'docker-compose.yml');
const raw = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, any> };

describe('docker-compose.yml', () => {
  it('is accepted by docker compose with .env.example (every required variable is defined there)', () => {
    const compose = findCommand([['docker', 'compose'], ['docker-compose']]);
    expect(() =>
      execFileSync(compose[0], [...compose.slice(1), '-f', composeFile, '--env-file', join(repoRoot, '.env.example'), 'config', '-q'], {
        cwd: repoRoot, encoding: 'utf8', stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('fails without the .env values (required variables are enforced, not defaulted)', () => {
    const compose = findCommand([['docker', 'compose'], ['docker-compose']]);
    expect(() =>
      execFileSync(compose[0], [...compose.slice(1), '-f', composeFile, '--env-file', '/dev/null', 'config', '-q'], {
        cwd: repoRoot, encoding: 'utf8', stdio: 'pipe', env: { PATH: process.env.PATH, HOME: process.env.HOME },
      }),
    ).toThrow();
  });

  const oneShot = (name: string) =>
    Object.values(raw.services).some((s: any) => s.depends_on?.[name]?.condition === 'service_completed_successfully');

  it('gives every long-running service a healthcheck; one-shot jobs are awaited with service_completed_successfully', () => {
    for (const [name, svc] of Object.entries(raw.services)) {
      if (oneShot(name)) {
        expect([name, svc.restart]).toEqual([name, 'no']);
        continue;
      }
      expect([name, Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test.length > 0]).toEqual([name, true]);
    }
  });

  it('pins every image to an explicit, non-latest tag', () => {
    for (const [name, svc] of Object.entries(raw.services)) {
      const image: string = svc.image;
      expect([name, typeof image]).toEqual([name, 'string']);
      const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf(':') + 1);
      expect([name, image.includes(':') || image.includes('@'), tag]).not.toEqual([name, false, tag]);
      expect([name, /^(latest|\d+)$/.test(tag)]).toEqual([name, false]);
    }
    expect(raw.services.kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
  });

  it('builds each application service from the Dockerfile and waits for healthy dependencies', () => {
    for (const name of services) {
      const svc = raw.services[name];
      expect([name, svc.build?.dockerfile, svc.build?.args?.SERVICE]).toEqual([name, 'Dockerfile', name]);
      expect([name, svc.environment.HTTP_HOST]).toEqual([name, '0.0.0.0']);
      expect(Object.keys(svc.depends_on).length).toBeGreaterThan(0);
      for (const [dep, cond] of Object.entries<any>(svc.depends_on)) {
        const expected = oneShot(dep) ? 'service_completed_successfully' : 'service_healthy';
        expect([name, dep, cond.condition]).toEqual([name, dep, expected]);
      }
    }
  });

  it('creates one database per data-owning service in the postgres init script', () => {
    const sql = readFileSync(join(repoRoot, 'deploy/docker/postgres-init.sql'), 'utf8');
    for (const db of ['identity', 'membership', 'billing', 'notification']) expect(sql).toMatch(new RegExp(`CREATE DATABASE ${db};`));
    const mounts: string[] = raw.services.postgres.volumes;
    expect(mounts.some((m) => m.startsWith('./deploy/docker/postgres-init.sql:/docker-entrypoint-initdb.d/'))).toBe(true);
  });

  it('creates every topic of topics.json and its dead-letter twin (the script reads topics.json itself)', () => {
    const script = readFileSync(join(repoRoot, 'deploy/docker/create-topics.sh'), 'utf8');
    const names = readTopics().topics.map((t) => t.name);
    // Emulate the script's extraction with the same regex to check it finds every topic.
    const json = readFileSync(join(repoRoot, 'libs/contracts/src/topics.json'), 'utf8');
    const found = [...json.matchAll(/"name"\s*:\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(found).toEqual(names);
    expect(script).toContain('"$topic.dlt"');
    expect(raw.services['kafka-init'].volumes).toContain('./libs/contracts/src/topics.json:/topics.json:ro');
  });

  it('.env.example holds no real secrets', () => {
    const env = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    expect(env).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    // Real credentials stay empty: the SMS provider's secret and the token-signing key.
    expect(env).toMatch(/^ALIYUN_SMS_ACCESS_KEY_SECRET=$/m);
    expect(env).toMatch(/^JWT_PRIVATE_KEY_PEM=$/m);
    expect(env).toMatch(/^SMS_PROVIDER=local$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));
  const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];

  it('builds and runs on the same pinned glibc (bookworm) node image', () => {
    expect(nodeImage).toMatch(/^node:20(\.\d+)*-bookworm-slim$/);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toBe('${NODE_IMAGE}');
  });

  it('runs as a non-root numeric user with a node-fetch healthcheck and ships no source maps or dev dependencies', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*node/m);
    expect(readFileSync(join(repoRoot, 'deploy/docker/healthcheck.js'), 'utf8')).toMatch(/fetch\(`http:\/\/127\.0\.0\.1:\$\{port\}\/health\/live`/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/find \/out -name '\*\.map' -delete/);
    expect(runtime).not.toMatch(/COPY --from=build \/src/);
  });

  it('the gateway image carries the built portal and console where the gateway looks for them', () => {
    const build = dockerfile.slice(0, dockerfile.indexOf('\nFROM ', dockerfile.indexOf('AS build')));
    expect(build).toMatch(/test -f dist\/apps\/portal\/index\.html/);
    expect(build).toMatch(/node scripts\/web\/precompress\.mjs dist\/apps\/portal dist\/apps\/console/);
    expect(build).toMatch(/if \[ "\$SERVICE" = gateway \]; then for web in portal console; do[\s\\]*if \[ -d "dist\/apps\/\$web" \]; then cp -r "dist\/apps\/\$web" \/out\/dist\/apps\/;/);
    // The gateway's defaults are next to its own code: from the source here, from dist/apps/gateway in the image.
    const config = loadGatewayConfig({});
    expect(config.PORTAL_DIR).toBe(join(repoRoot, 'apps/gateway/portal'));
    expect(config.CONSOLE_DIR).toBe(join(repoRoot, 'apps/gateway/console'));
  });

  it('.dockerignore keeps local state out of the build context', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', 'dist', '.var', '.nx', '.git', 'coverage', '*.log', '.env']) expect(ignore).toContain(entry);
  });
});
