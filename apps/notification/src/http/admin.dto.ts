import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageLimit, PageOffset } from '@lsc/validation';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../deliveries/delivery-store';
import { TEMPLATE_NAMES } from '../templates';

export class DeliveryQuery {
  @IsOptional() @IsIn(DELIVERY_STATUSES, { message: '状态须为 pending、sending、sent 或 failed' }) status?: DeliveryStatus;
  @IsOptional() @IsUUID('all', { message: '单位编号格式不正确' }) institutionId?: string;
  @IsOptional() @IsIn(TEMPLATE_NAMES, { message: '模板名称不存在' }) template?: string;
  @PageLimit() limit?: number;
  @PageOffset() offset?: number;
}

export class DeliveryIdParam {
  @IsUUID('all', { message: '投递记录编号格式不正确' }) id!: string;
}
