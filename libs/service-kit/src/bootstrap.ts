import { type CallHandler, type ExecutionContext, type INestApplication, type INestApplicationContext, Injectable, type NestInterceptor, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { Partitioners } from 'kafkajs';
import type { BaseServiceConfig } from './config';
import { verifiedClientIp } from './client-ip';
import { correlationIdFrom, CORRELATION_HEADER, runWithContext } from './correlation';
import { ApiExceptionFilter, isMalformedBody, toApiErrorBody } from './errors';
import { documentErrorAnswers } from './openapi-errors';
import { ApiValidationPipe } from './validation-pipe';
import { kafkaConnectionOptions, LOGGER } from './infrastructure';
import { ObservedKafkaServer } from './kafka-consumer-server';
import { fixKafkaJsIdleLoop } from './kafkajs-idle-loop';
import { keepKafkaJsMemberIdAcrossRestarts } from './kafkajs-member-id';
import { PinoNestLogger } from './logger';
import { Metrics, serveMetrics } from './metrics';
import type { Logger } from 'pino';

declare module 'fastify' {
  interface FastifyRequest {
    correlationId?: string;
    /** The client's address: signed by the gateway, else the socket peer (client-ip.ts). */
    clientIp?: string;
  }
}

/** Runs each HTTP handler inside the request's correlation context so logs and emitted events carry it. */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const correlationId = request.correlationId ?? correlationIdFrom(request.headers[CORRELATION_HEADER]);
    return new Observable((subscriber) => runWithContext({ correlationId }, () => next.handle().subscribe(subscriber)));
  }
}

export interface BootstrapOptions {
  /** Kafka topics this service consumes through @EventPattern handlers; omit for a service that only produces. */
  consumer?: { groupId: string };
  openApi?: { title: string; description: string };
  bodyLimitBytes?: number;
  configureApp?: (app: NestFastifyApplication) => Promise<void> | void;
  /** One-shot commands: `node main.js <name> [args]` runs it in an application context without HTTP or workers. */
  commands?: Record<string, (context: INestApplicationContext, args: string[]) => Promise<void>>;
}


/** Requests slower than this are logged at warn level with their route and correlation id. */
const SLOW_REQUEST_MS = 5_000;
const requestStarted = new WeakMap<FastifyRequest, number>();

export function buildOpenApiDocument(app: INestApplication, title: string, description: string): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1').addBearerAuth().build();
  return documentErrorAnswers(SwaggerModule.createDocument(app, config));
}

/** Creates the Fastify-based NestJS app with the platform's cross-cutting behaviour, without listening. */
export async function createServiceApp(appModule: Type<unknown> | DynamicModule, config: BaseServiceConfig, options: BootstrapOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    trustProxy: true,
    logger: false,
    return503OnClosing: true,
    // Errors Fastify raises before routing (a malformed percent-encoded URL…) get the standard shape too.
    frameworkErrors: (error: { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void reply.status(status).send({ ...toApiErrorBody(status, { code: 'BAD_REQUEST', message: '请求地址或格式有误', details: [] }), correlationId: request.correlationId });
    },
    // Errors Node's HTTP parser raises (headers or URL too large, malformed request line) never reach Fastify's router.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: import('node:net').Socket) => {
      if (!socket.writable) return;
      const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request'];
      const body = JSON.stringify(toApiErrorBody(status, { code: status === 431 ? 'HEADERS_TOO_LARGE' : status === 408 ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST', message: status === 431 ? '请求地址或请求头过长' : status === 408 ? '请求超时' : '请求格式有误', details: [] }));
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, { bufferLogs: true, abortOnError: false });
  const logger = app.get<Logger>(LOGGER);
  const metrics = app.get(Metrics);
  app.useLogger(new PinoNestLogger(logger));

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    requestStarted.set(request, performance.now());
    request.correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
    request.clientIp = verifiedClientIp(request, config.CLIENT_IP_SECRET);
    void reply.header(CORRELATION_HEADER, request.correlationId);
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.elapsedTime >= SLOW_REQUEST_MS) logger.warn({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime), correlationId: request.correlationId }, 'slow request');
  });
  // A client that gives up before any answer is otherwise invisible here (no response, no metric): name the request.
  fastify.addHook('onRequestAbort', async (request: FastifyRequest) => {
    logger.warn({ method: request.method, route: request.routeOptions?.url ?? 'unmatched', url: request.url.slice(0, 300), ms: Math.round(performance.now() - (requestStarted.get(request) ?? performance.now())), correlationId: request.correlationId }, 'client aborted the request before it was answered');
  });
  // Errors raised by Fastify itself (bad JSON, body too large, wrong content type) get the same shape as Nest's.
  fastify.setErrorHandler((error: { statusCode?: number; message: string }, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : isMalformedBody(error) ? 400 : 500;
    if (status >= 500) logger.error({ err: error }, 'request failed');
    void reply.status(status).send({ ...toApiErrorBody(status, undefined), correlationId: request.correlationId });
  });

  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.useGlobalInterceptors(new CorrelationInterceptor());

  if (options.consumer) {
    // Nest's Kafka transport builds its own kafkajs client, not through createKafka: patched here as well.
    fixKafkaJsIdleLoop();
    keepKafkaJsMemberIdAcrossRestarts();
    app.connectMicroservice<MicroserviceOptions>(
      {
        strategy: new ObservedKafkaServer(
          {
            postfixId: '',
            // Same brokers, TLS and SASL as the service's other Kafka clients (createKafka).
            client: { clientId: config.SERVICE_NAME, ...kafkaConnectionOptions(config), retry: { initialRetryTime: 300, retries: 10 } },
            consumer: {
              groupId: options.consumer.groupId,
              sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
              // A third of the timeout at most, so two heartbeats may be lost before the coordinator gives up on it.
              heartbeatInterval: Math.min(3000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
              rebalanceTimeout: 60000,
              allowAutoTopicCreation: false,
            },
            // Nest's server always starts a producer (for replies, which no service uses); named so kafkajs does not warn.
            producer: { createPartitioner: Partitioners.DefaultPartitioner },
            subscribe: { fromBeginning: true },
            // Hand the router the bytes: Nest's parser would decode invalid UTF-8 to U+FFFD and let it pass as data.
            parser: { keepBinary: true },
            // Offsets are committed only for messages whose handler returned (effect durable), never before.
            run: { autoCommit: true, autoCommitInterval: 1000, partitionsConsumedConcurrently: 3 },
          },
          { groupId: options.consumer.groupId, logger, metrics },
        ),
      },
      { inheritAppConfig: true },
    );
  }
  await options.configureApp?.(app);
  if (options.openApi) {
    const document = buildOpenApiDocument(app, options.openApi.title, options.openApi.description);
    fastify.get('/openapi.json', async () => document);
  }
  return app;
}

/** Starts a service: HTTP + (optionally) its Kafka consumer; SIGTERM/SIGINT drain in-flight work and close pools. */
export async function bootstrapService(appModule: Type<unknown> | DynamicModule, config: BaseServiceConfig, options: BootstrapOptions = {}): Promise<NestFastifyApplication | undefined> {
  const [command, ...args] = process.argv.slice(2);
  if (command) {
    await runCommand(appModule, command, args, options);
    return undefined;
  }
  const app = await createServiceApp(appModule, config, options);
  const logger = app.get<Logger>(LOGGER);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: stop consuming, finish in-flight work, commit offsets, close pools');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Init (every onModuleInit: consumers register their handlers) before the Kafka transport starts delivering.
  await app.init();
  // HTTP before the consumer: after a crash, joining the group waits until the coordinator gives up on the dead
  // member (the session timeout, 30 s then); measured 25–29 s of a billing API answering nothing, though it needs no
  // consumer to serve. Events published meanwhile wait in the topic; the committed offsets lose none.
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info({ url: `http://${config.HTTP_HOST}:${config.HTTP_PORT}` }, `${config.SERVICE_NAME} listening`);
  if (config.METRICS_PORT) {
    const metricsServer = await serveMetrics(app.get(Metrics), config.METRICS_PORT, config.HTTP_HOST);
    app.getHttpServer().once('close', () => metricsServer.close());
    logger.info({ url: `http://${config.HTTP_HOST}:${config.METRICS_PORT}/metrics` }, 'metrics on their own port');
  }
  const consumeFrom = performance.now();
  try {
    await app.startAllMicroservices();
  } catch (err) {
    // A SIGTERM while the consumer was still joining: app.close() ends the join, and the shutdown under way (draining
    // HTTP, closing pools) must finish rather than main()'s error exit cutting it short.
    if (closing) return app;
    throw err;
  }
  if (options.consumer) logger.info({ groupId: options.consumer.groupId, joinMs: Math.round(performance.now() - consumeFrom) }, 'consuming');
  return app;
}

/**
 * `--migrate-only` applies pending migrations (under the advisory lock) and exits: Kubernetes runs it as an init
 * container. Other commands come from the service (e.g. `rebuild <projection>`).
 */
async function runCommand(appModule: Type<unknown> | DynamicModule, command: string, args: string[], options: BootstrapOptions): Promise<void> {
  const handler = command === '--migrate-only' ? async () => undefined : options.commands?.[command];
  if (!handler) {
    console.error(`unknown command ${command}; known: --migrate-only${Object.keys(options.commands ?? {}).map((c) => `, ${c}`).join('')}`);
    process.exit(2);
  }
  process.env.LSC_BACKGROUND_WORKERS = 'off';
  const context = await NestFactory.createApplicationContext(appModule, { logger: ['error', 'warn'] });
  try {
    await handler(context, args);
  } finally {
    await context.close();
  }
}
