import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, JwtAuthGuard, Roles } from '@lsc/service-kit';
import { listDeliveries, requeueDelivery } from '../deliveries/delivery-store';
import { DeliveryIdParam, DeliveryQuery } from './admin.dto';
import { DeliveryDoc, DeliveryPageDoc } from './admin.docs';

/**
 * Staff view of the delivery log and manual retry. Finance's follow-up on an unmatched transfer is billing's
 * (POST /api/v1/billing/transfers/:id/follow-ups → billing.TransferFollowUpRequested): a mail's content never comes
 * from a request body here.
 */
@ApiTags('notification-admin')
@ApiBearerAuth()
@Controller('api/v1/notification/admin')
@UseGuards(JwtAuthGuard)
@Roles('super_admin', 'member_admin', 'finance')
export class AdminController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryPageDoc })
  list(@Query() q: DeliveryQuery) {
    return listDeliveries(this.pool, { status: q.status, institutionId: q.institutionId, template: q.template, limit: q.limit ?? 50, offset: q.offset ?? 0 });
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: DeliveryDoc })
  @ApiConflictResponse({ description: 'DELIVERY_ALREADY_SENT：已发送成功；DELIVERY_IN_FLIGHT：正在发送' })
  async retry(@Param() { id }: DeliveryIdParam) {
    const result = await requeueDelivery(this.pool, id);
    if (result.outcome === 'requeued') return result.delivery;
    if (result.outcome === 'not_found') throw new ApiError(404, 'DELIVERY_NOT_FOUND', '投递记录不存在');
    if (result.outcome === 'already_sent') throw new ApiError(409, 'DELIVERY_ALREADY_SENT', '该邮件已发送成功，不能重复发送');
    throw new ApiError(409, 'DELIVERY_IN_FLIGHT', '该邮件正在发送中，请稍后查看结果');
  }
}
