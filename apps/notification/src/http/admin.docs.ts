import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES } from '../deliveries/delivery-store';

/** Answer shapes of the delivery log endpoints (DeliveryView of delivery-store.ts), for the OpenAPI document only. */
export class DeliveryDoc {
  @ApiProperty() id!: string;
  @ApiProperty({ description: '来源事件键' }) sourceKey!: string;
  @ApiProperty({ description: '邮件模板' }) template!: string;
  @ApiProperty({ type: String, nullable: true }) institutionId!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty({ description: '尚不知道单位的收件地址，等待中' }) awaitingRecipient!: boolean;
  @ApiProperty({ type: String, nullable: true }) recipient!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) messageId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) sentAt!: string | null;
}

export class DeliveryPageDoc {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [DeliveryDoc] }) items!: DeliveryDoc[];
}
