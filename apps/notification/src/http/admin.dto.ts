import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageLimit, PageOffset } from '@lsc/validation';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../deliveries/delivery-store';
import { TEMPLATE_NAMES } from '../templates';

export class DeliveryQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES, { message: '状态须为 pending、sending、sent 或 failed' }) status?: DeliveryStatus;
  @ApiPropertyOptional({ description: '单位编号' }) @IsOptional() @IsUUID('all', { message: '单位编号格式不正确' }) institutionId?: string;
  @ApiPropertyOptional({ enum: TEMPLATE_NAMES }) @IsOptional() @IsIn(TEMPLATE_NAMES, { message: '模板名称不存在' }) template?: string;
  @ApiPropertyOptional({ minimum: 1, default: 50 }) @PageLimit() limit?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0 }) @PageOffset() offset?: number;
}

export class DeliveryIdParam {
  @IsUUID('all', { message: '投递记录编号格式不正确' }) id!: string;
}
