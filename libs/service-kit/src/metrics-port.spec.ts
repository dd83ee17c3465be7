import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';
import { createServiceApp } from './bootstrap';
import { redisOptions } from './infrastructure';
import { Metrics, serveMetrics } from './metrics';
import { ServiceKitModule } from './service-kit.module';

/** A Kubernetes NetworkPolicy works on ports: Prometheus may reach the metrics only if they have a port of their own. */
describe('metrics on a port of their own (METRICS_PORT)', () => {
  async function appWith(extra: Partial<BaseServiceConfig>) {
    const config = Object.assign(new BaseServiceConfig(), { SERVICE_NAME: 'kit-metrics', HTTP_PORT: 0, LOG_LEVEL: 'silent', ...extra });
    @Module({ imports: [ServiceKitModule.forRoot({ config })] })
    class TestModule {}
    const app = await createServiceApp(TestModule, config);
    await app.init();
    return app;
  }

  it('without METRICS_PORT (local machine) /metrics stays on the API port', async () => {
    const app = await appWith({});
    const r = await app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('process_cpu_seconds_total');
    await app.close();
  });

  it('with METRICS_PORT the API port answers 404 for /metrics, and the metrics port serves only /metrics', async () => {
    const app = await appWith({ METRICS_PORT: 9464 });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const server = await serveMetrics(app.get(Metrics), 0, '127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('service="kit-metrics"');
      for (const path of ['/health/live', '/api/v1/anything', '/']) expect((await fetch(`${base}${path}`)).status).toBe(404);
    } finally {
      server.close();
      await app.close();
    }
  });

  it('refuses a METRICS_PORT equal to HTTP_PORT', () => {
    expect(() => loadConfig(BaseServiceConfig, { SERVICE_NAME: 's', HTTP_PORT: 3003 }, { METRICS_PORT: '3003' })).toThrow(ConfigError);
    expect(loadConfig(BaseServiceConfig, { SERVICE_NAME: 's', HTTP_PORT: 3003 }, { METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
  });
});

describe('Redis password and TLS', () => {
  const load = (env: NodeJS.ProcessEnv) => loadConfig(BaseServiceConfig, { SERVICE_NAME: 's', HTTP_PORT: 3003 }, env);

  it('sends no AUTH and no TLS on a developer machine', () => {
    expect(redisOptions(load({}))).toEqual({});
  });

  it('takes the password from REDIS_PASSWORD (the Secret), unless the URL carries one', () => {
    expect(redisOptions(load({ REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD: 's3cret' }))).toEqual({ password: 's3cret' });
    expect(redisOptions(load({ REDIS_URL: 'redis://:inurl@redis:6379', REDIS_PASSWORD: 's3cret' }))).toEqual({});
  });

  it('turns on TLS with REDIS_TLS or rediss://, with the CA from REDIS_TLS_CA_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-ca-'));
    writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(redisOptions(load({ REDIS_TLS: 'true' }))).toEqual({ tls: {} });
    expect(redisOptions(load({ REDIS_URL: 'rediss://redis:6380' }))).toEqual({ tls: {} });
    expect(redisOptions(load({ REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'ca.crt'), REDIS_PASSWORD: 'p' }))).toEqual({ password: 'p', tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') } });
    expect(() => load({ REDIS_TLS_CA_FILE: join(dir, 'ca.crt') })).toThrow('REDIS_TLS_CA_FILE needs REDIS_TLS=true');
  });
});
