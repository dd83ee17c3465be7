import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { OpenApiAggregator } from './openapi-aggregator';
import { FakeUpstream } from './testing/fake-upstream';

/** A free loopback port, found by binding and releasing it, so the service can come up there later. */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OpenApiAggregator', () => {
  it('fetches a service that was down at the first refresh again when the docs are asked for, without waiting for the periodic refresh', async () => {
    const port = await freePort();
    const aggregator = new OpenApiAggregator([{ area: 'identity', baseUrl: `http://127.0.0.1:${port}`, prefix: '/api/v1/identity/' }], pino({ level: 'silent' }), 1000, 200);
    aggregator.start(3_600_000);
    try {
      const before = await aggregator.document();
      expect(before.info.description).toMatch(/暂缺.*identity/);

      const identity = await new FakeUpstream(['/api/v1/identity/sessions']).start(port);
      try {
        await sleep(250);
        const after = await aggregator.document();
        expect(after.paths).toHaveProperty(['/api/v1/identity/sessions']);
        expect(after.info.description).not.toMatch(/暂缺/);
      } finally {
        await identity.stop();
      }
    } finally {
      aggregator.stop();
    }
  });
});
