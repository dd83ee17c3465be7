import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';
import { DEFAULT_MEMBERSHIP_POLICY, type MembershipPolicy } from './domain';

export class MembershipConfig extends BaseServiceConfig {
  /** 'calendar_year_end' (the guide: terms end on 31 December) or 'anniversary'. */
  @IsIn(['calendar_year_end', 'anniversary'])
  MEMBERSHIP_TERM_END: MembershipPolicy['termEnd'] = DEFAULT_MEMBERSHIP_POLICY.termEnd;

  @IsInt()
  @Min(0)
  @Max(3650)
  MEMBERSHIP_GRACE_DAYS = DEFAULT_MEMBERSHIP_POLICY.graceDays;

  /** Comma-separated reminder thresholds in days before the end of term. */
  @Matches(/^\d{1,3}(,\d{1,3})*$/, { message: 'MEMBERSHIP_REMINDER_DAYS must look like 30,7' })
  MEMBERSHIP_REMINDER_DAYS = DEFAULT_MEMBERSHIP_POLICY.reminderDaysBefore.join(',');

  /**
   * true (production): institutions cannot apply for a fee the schedule marks as a placeholder (an invented figure
   * awaiting finance's decision); false (local development): placeholders stay usable.
   */
  @IsBoolean({ message: 'FEE_SCHEDULE_REQUIRE_CONFIRMED must be true or false' })
  FEE_SCHEDULE_REQUIRE_CONFIRMED = false;

  /** How often the lifecycle job runs (ms); 0 turns the in-process timer off (e.g. when a CronJob triggers it). */
  @IsInt()
  @Min(0)
  LIFECYCLE_INTERVAL_MS = 24 * 3600 * 1000;

  /**
   * Appended to every topic name this service reads and writes. Empty in every deployment; integration tests set it so
   * they run on their own topics of the shared local broker.
   */
  @IsString()
  @Matches(/^[a-z0-9._-]*$/)
  KAFKA_TOPIC_SUFFIX = '';
}

export function membershipPolicy(config: MembershipConfig): MembershipPolicy {
  return {
    termEnd: config.MEMBERSHIP_TERM_END,
    graceDays: config.MEMBERSHIP_GRACE_DAYS,
    reminderDaysBefore: config.MEMBERSHIP_REMINDER_DAYS.split(',').map(Number),
  };
}

export const loadMembershipConfig = (env: NodeJS.ProcessEnv = process.env): MembershipConfig =>
  loadConfig(MembershipConfig, { SERVICE_NAME: 'membership', HTTP_PORT: 3002, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/membership' }, env);
