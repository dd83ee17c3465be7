import { IsDefined, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/**
 * What travels on Kafka: one integration event, JSON-encoded, keyed by `streamId`.
 * `type` is stable and explicit (never a class name); `schemaVersion` selects the payload contract.
 */
export interface IntegrationEvent<TType extends string = string, TData = unknown> {
  eventId: string;
  type: TType;
  schemaVersion: number;
  streamId: string;
  occurredAt: string;
  correlationId: string;
  causationId?: string;
  data: TData;
}

/** Kafka header names carried by every integration event, so routers and DLT tools need not parse the value. */
export const EventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
} as const;

export class IntegrationEventEnvelope {
  @IsUUID()
  eventId!: string;

  @IsString()
  @Matches(/^[a-z]+\.[A-Z][A-Za-z]+$/, { message: 'type must look like <service>.<EventName>' })
  type!: string;

  @IsInt()
  @Min(1)
  schemaVersion!: number;

  @IsString()
  @MaxLength(200)
  streamId!: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsString()
  @MaxLength(100)
  correlationId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  causationId?: string;

  @IsDefined()
  @IsObject()
  data!: Record<string, unknown>;
}

/** `membership.MembershipActivated` + 1 → `membership.MembershipActivated.v1` */
export const versionedName = (type: string, schemaVersion: number): string => `${type}.v${schemaVersion}`;
