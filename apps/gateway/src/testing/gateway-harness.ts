import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@lsc/service-kit';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../app.module';
import { loadGatewayConfig } from '../config';
import { configureGateway, type GatewayOverrides } from '../gateway';
import { gatewayBodyLimit } from '../route-policies';

export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
}

/** The real gateway app, assembled exactly as main.ts does, listening on a free loopback port. */
export async function startGateway(env: Record<string, string>, overrides: GatewayOverrides = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({ LOG_LEVEL: 'silent', ...env });
  const app = await createServiceApp(AppModule.register(config), config, {
    bodyLimitBytes: gatewayBodyLimit(),
    configureApp: (a) => configureGateway(a, config, overrides),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** A loopback port with nothing listening, for a service that is down. */
export const CLOSED_PORT_URL = 'http://127.0.0.1:9';

export const randomIp = (): string => `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;
