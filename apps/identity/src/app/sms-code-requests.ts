import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from '@lsc/service-kit';
import { SMS_REFUSAL_REASONS, SmsCodeService, type SendCodeResult, type SmsPurpose, type SmsRefusalReason } from '../auth';
import { AccountsRepository } from '../infra/accounts.repository';

/** Codes that are of use only to the holder of an existing account: sent to a number without one, they reach a stranger. */
const NEEDS_ACCOUNT: ReadonlySet<SmsPurpose> = new Set<SmsPurpose>(['login', 'reset', 'change_email']);

export const SMS_UNKNOWN_NUMBER_METRIC = 'identity_sms_unknown_number_total';
/** Sends refused by a throttle or a daily budget; the budgets' reasons page someone (deploy/k8s/base/prometheus-rules.yaml). */
export const SMS_REFUSED_METRIC = 'identity_sms_refused_total';

/**
 * 获取验证码 from the public page. A login/reset/e-mail-change code asked for a number without an account is not sent
 * (nobody should get a text message they did not ask for, and it costs money), yet the caller gets the same answer,
 * as fast, and the same throttles count it: the answer must not tell which numbers have accounts. Such requests are
 * counted, so a probe shows up on the dashboard.
 */
@Injectable()
export class SmsCodeRequests {
  private readonly unknownNumber: Counter<'purpose'>;
  private readonly refused: Counter<'reason'>;

  constructor(
    private readonly smsCodes: SmsCodeService,
    private readonly accounts: AccountsRepository,
    metrics: Metrics,
  ) {
    this.unknownNumber = new Counter({
      name: SMS_UNKNOWN_NUMBER_METRIC,
      help: 'SMS codes asked for a number without an account (answered as sent, not sent), by purpose',
      labelNames: ['purpose'],
      registers: [metrics.registry],
    });
    metrics.initialiseSeries(SMS_UNKNOWN_NUMBER_METRIC, [...NEEDS_ACCOUNT].map((purpose) => ({ purpose })));
    // The name spelled out (not the constant): the deploy test checks alert expressions against declared names.
    this.refused = new Counter({
      name: 'identity_sms_refused_total',
      help: 'SMS code sends refused, by reason (cooldown, hourly limits, per-number/per-prefix/global daily budgets)',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    metrics.initialiseSeries(SMS_REFUSED_METRIC, SMS_REFUSAL_REASONS.map((reason: SmsRefusalReason) => ({ reason })));
  }

  async send(request: { phone: string; purpose: SmsPurpose; ip: string }): Promise<SendCodeResult> {
    const deliver = !NEEDS_ACCOUNT.has(request.purpose) || (await this.accounts.findByClaim('mobile', request.phone)) !== undefined;
    const result = await this.smsCodes.send({ ...request, deliver });
    if (result.status === 'sent' && !result.delivered) this.unknownNumber.inc({ purpose: request.purpose });
    if (result.status === 'throttled') this.refused.inc({ reason: result.reason });
    return result;
  }
}
