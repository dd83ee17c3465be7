import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, IdempotencyInterceptor, JwtAuthGuard, Roles } from '@lsc/service-kit';
import { enqueueDelivery, getDelivery, listDeliveries, requeueDelivery } from '../deliveries/delivery-store';
import { DeliveryIdParam, DeliveryQuery, UnmatchedTransferFollowUpDto } from './admin.dto';
import { DeliveryDoc, DeliveryPageDoc, FollowUpDoc } from './admin.docs';

/** Staff view of the delivery log, manual retry, and finance's follow-up on unmatched transfers. */
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

  /** One follow-up per (transfer, institution): asking again returns the existing delivery instead of a second mail. */
  @Post('unmatched-transfer-followups')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiCreatedResponse({ type: FollowUpDoc })
  async followUp(@Body() body: UnmatchedTransferFollowUpDto) {
    const sourceKey = `transfer-followup:${body.transfer.transferId}:${body.institutionId}`;
    const { id, created } = await enqueueDelivery(this.pool, { sourceKey, template: 'transfer-unmatched', institutionId: body.institutionId, payload: { ...body.transfer } });
    return { created, delivery: await getDelivery(this.pool, id) };
  }
}
