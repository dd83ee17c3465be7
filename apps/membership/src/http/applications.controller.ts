import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import type { OrganisationType } from '@lsc/contracts';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, assertOwnInstitution, CONFIG, CurrentPrincipal, IdempotencyInterceptor, isStaff, JwtAuthGuard, Roles, validationFailed, type Principal } from '@lsc/service-kit';
import { creditCodeMatchesOrganisationType, formatFen, validateCreditCode } from '@lsc/validation';
import { membershipPolicy, type MembershipConfig } from '../config';
import { shanghaiDate, type ApplicationState, type MembershipPolicy } from '../domain';
import { MembershipCommands, QuoteChanged } from '../write/membership-commands';
import { quoteView } from './fee-views';
import { findInstitution, lastConfirmationOf } from '../write/lookups';
import { MailingAddressDto, resolveMailingAddress } from './mailing-address';
import { ApplicationListQuery, ApplyDto, CancellationDto, ConfirmationDto } from './dto';
import { ReadModels } from './read-models';
import { applicationView } from './views';
import { ApplicationDetailView, ApplicationListView, ApplicationView, ConfirmationDefaultsView } from './views.docs';

const IDEMPOTENCY_KEY = { name: 'Idempotency-Key', required: false, description: '重复提交时带同一个值，只处理一次' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new ApiError(404, 'APPLICATION_NOT_FOUND', '申请不存在');

/** 会员申请 / 会员续费: apply, confirm with the mailing address, see how to pay, cancel. */
@ApiTags('applications')
@ApiBearerAuth()
@Controller('api/v1/membership/applications')
@UseGuards(JwtAuthGuard)
export class ApplicationsController {
  constructor(
    private readonly commands: MembershipCommands,
    private readonly readModels: ReadModels,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) config: MembershipConfig,
  ) {
    this.policy = membershipPolicy(config);
  }

  private readonly policy: MembershipPolicy;

  /** 409 QUOTE_CHANGED with the quote the institution would get now (`context.currentQuote`). */
  private quoteChanged(err: unknown): unknown {
    if (!(err instanceof QuoteChanged)) return err;
    const current = quoteView(err.current, this.policy, shanghaiDate(new Date().toISOString()));
    return new ApiError(
      409,
      'QUOTE_CHANGED',
      `会费标准已更新：${current.qualification.name}（${current.staffTier.name}）现为每年${formatFen(current.feePerYearFen, { grouping: false })}，${current.years}年应付${formatFen(current.amountDueFen, { grouping: false })}（${current.amountDueInWords}），请确认后重新提交`,
      [],
      { currentQuote: current },
    );
  }

  /** Another institution's application answers exactly like a missing one (404). */
  private async own(principal: Principal, id: string): Promise<ApplicationState> {
    if (!UUID.test(id)) throw notFound();
    const state = await this.commands.loadApplication(id);
    if (state.status === 'none' || !state.application) throw notFound();
    try {
      assertOwnInstitution(principal, state.application.institutionId);
    } catch {
      throw notFound();
    }
    return state;
  }

  /**
   * Codes and years only: the fee, the amount and the names come from the published fee schedule. A `quote` the
   * client saw that differs from the schedule's is answered 409 QUOTE_CHANGED with `context.currentQuote`.
   */
  @Post()
  @Roles('institution')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiConflictResponse({ description: 'QUOTE_CHANGED（context.currentQuote 为当前报价）、FEE_NOT_CONFIRMED（会费尚待确认）、APPLICATION_PENDING 等' })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: ApplicationView })
  async apply(@CurrentPrincipal() p: Principal, @Body() body: ApplyDto) {
    try {
      const state = await this.commands.apply(
        p.sub,
        {
          kind: body.kind,
          qualificationCode: body.qualificationCode,
          staffTierCode: body.staffTierCode,
          years: body.years,
          organisationType: body.organisationType,
          ...(body.quote ? { seenQuote: { feePerYearFen: body.quote.feePerYearFen, amountDueFen: body.quote.amountDueFen } } : {}),
        },
        p.sub,
      );
      return applicationView(state);
    } catch (err) {
      throw this.quoteChanged(err);
    }
  }

  @Get()
  @Roles('institution', 'member_admin', 'super_admin', 'finance')
  @ApiOkResponse({ type: ApplicationListView })
  async list(@CurrentPrincipal() p: Principal, @Query() query: ApplicationListQuery) {
    const institutionId = isStaff(p) ? query.institutionId : p.sub;
    return { items: await this.readModels.applicationsOf(institutionId) };
  }

  @Get(':id')
  @ApiOkResponse({ type: ApplicationDetailView })
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const state = await this.own(p, id);
    // The portal offers 修改寄送地址 only while it is allowed (until the certificate is shipped).
    return { ...applicationView(state), mailingAddressChangeable: await this.commands.mailingAddressChangeable(state) };
  }

  /**
   * 确认申请信息 defaults: every field of the institution's last confirmation (a renewal keeps its 签收人, address,
   * 发票抬头 and 统一社会信用代码), else the registration profile (identity's events). The page lets the user change them.
   */
  @Get(':id/confirmation-defaults')
  @ApiOkResponse({ type: ConfirmationDefaultsView })
  async confirmationDefaults(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const state = await this.own(p, id);
    const lastId = await lastConfirmationOf(this.pool, state.application!.institutionId, id);
    const last = lastId ? (await this.commands.loadApplication(lastId)).submission : undefined;
    if (last) {
      const a = last.mailingAddress;
      return {
        recipient: a.recipient,
        mobile: a.mobile,
        landline: a.landline ?? '',
        region: { ...a.region },
        street: a.street,
        postcode: a.postcode,
        invoiceTitle: last.invoiceTitle,
        creditCode: last.creditCode,
        source: 'last_confirmation',
        sourceApplicationId: lastId,
      };
    }
    const institution = await findInstitution(this.pool, state.application!.institutionId);
    return {
      recipient: '',
      mobile: institution?.mobile ?? '',
      landline: institution?.landline ?? '',
      region: institution?.region ?? null,
      street: institution?.street ?? '',
      postcode: institution?.postcode ?? '',
      invoiceTitle: institution?.name ?? state.application!.institutionName,
      creditCode: '',
      source: 'registration',
    };
  }

  /** A fee schedule that changed since the application was started answers 409 QUOTE_CHANGED (the draft is requoted). */
  @Post(':id/confirmation')
  @HttpCode(200)
  @ApiConflictResponse({ description: 'QUOTE_CHANGED：会费标准已更新，申请已按当前报价调整（context.currentQuote），请确认后重新提交' })
  @Roles('institution')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiOkResponse({ type: ApplicationView })
  async confirm(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ConfirmationDto) {
    const state = await this.own(p, id);
    const mailingAddress = resolveMailingAddress(body);
    const credit = validateCreditCode(body.creditCode);
    if (!credit.ok) throw validationFailed([{ field: 'creditCode', rule: 'isCreditCode', message: credit.message }]);
    // A credit code of another organisation type is shown as a warning, not refused: the applicant may know better.
    const warning = creditCodeMatchesOrganisationType(credit.code, state.application!.organisationType as OrganisationType) ?? undefined;
    try {
      const confirmed = await this.commands.confirm(id, { mailingAddress, invoiceTitle: body.invoiceTitle, creditCode: credit.code, ...(warning ? { creditCodeWarning: warning } : {}) }, p.sub);
      return applicationView(confirmed);
    } catch (err) {
      throw this.quoteChanged(err);
    }
  }

  /**
   * 修改寄送地址 after confirmation, until the certificate is shipped: the institution on its own application,
   * member_admin on any. Each change is recorded (MailingAddressChanged) and a fresh address notice is mailed.
   */
  @Put(':id/mailing-address')
  @HttpCode(200)
  @Roles('institution', 'member_admin', 'super_admin')
  @ApiOperation({ summary: '修改寄送地址（证书寄出前）' })
  @ApiConflictResponse({ description: 'CERTIFICATE_ALREADY_MAILED：证书已寄出；APPLICATION_NOT_SUBMITTED：尚未确认申请信息；APPLICATION_CANCELLED：申请已取消' })
  @ApiOkResponse({ type: ApplicationDetailView })
  async changeMailingAddress(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: MailingAddressDto) {
    await this.own(p, id);
    const mailingAddress = resolveMailingAddress(body);
    const changed = await this.commands.changeMailingAddress(id, mailingAddress, p.sub, isStaff(p));
    return { ...applicationView(changed), mailingAddressChangeable: await this.commands.mailingAddressChangeable(changed) };
  }

  @Post(':id/cancellation')
  @HttpCode(200)
  @Roles('institution', 'member_admin', 'super_admin')
  @ApiOkResponse({ type: ApplicationView })
  @ApiConflictResponse({ description: 'APPLICATION_ALREADY_PAID：申请已缴费，不能取消；APPLICATION_ALREADY_CANCELLED：申请已取消' })
  async cancel(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CancellationDto) {
    await this.own(p, id);
    return applicationView(await this.commands.cancelApplication(id, body.reason, p.sub));
  }
}
