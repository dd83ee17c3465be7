import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ORGANISATION_TYPES, type OrganisationType } from '@lsc/contracts';
import { IsCnLandline, IsCnMobile, IsCnPostcode, IsCreditCode, IsRegionTriple, NormalizeInput, NormalizeMobile, PageLimit, PageNumber, requiredTextMessage } from '@lsc/validation';
import { MAX_YEARS, MIN_YEARS, OVERRIDABLE_STATUSES, type ApplicationKind, type OverridableStatus } from '../domain';

const text = (label: string, max: number) => ({ message: requiredTextMessage(label, max) });

/** The fee the institution saw (optional): compared with the published schedule, never taken. */
export class QuoteDto {
  @ApiProperty({ description: '会费（分/年）' })
  @IsInt({ message: '会费须为整数（单位：分）' })
  @Min(0, { message: '会费不能为负数' })
  feePerYearFen!: number;

  @ApiProperty({ description: '应付金额（分）' })
  @IsInt({ message: '应付金额须为整数（单位：分）' })
  @Min(0, { message: '应付金额不能为负数' })
  amountDueFen!: number;

  @ApiPropertyOptional({ description: '会费标准版本（仅供参考）' })
  @IsOptional()
  @IsString({ message: '会费标准版本须为文本' })
  @Length(1, 40, text('会费标准版本', 40))
  scheduleVersion?: string;
}

/** 会员申请: codes and years only; the fee, amount and names come from the published fee schedule. */
export class ApplyDto {
  @ApiProperty({ enum: ['new', 'renewal'] })
  @IsIn(['new', 'renewal'], { message: '申请类型须为 new（会员申请）或 renewal（会员续费）' })
  kind!: ApplicationKind;

  @ApiProperty({ description: '会员资格代码' })
  @IsString({ message: '请选择会员资格' })
  @Length(1, 50, text('会员资格', 50))
  qualificationCode!: string;

  @ApiProperty({ description: '人员规模代码' })
  @IsString({ message: '请选择人员规模' })
  @Length(1, 50, text('人员规模', 50))
  staffTierCode!: string;

  @ApiProperty({ minimum: MIN_YEARS, maximum: MAX_YEARS, description: '资格期限（年）' })
  @IsInt({ message: '资格期限须为整数年' })
  @Min(MIN_YEARS, { message: `资格期限至少${MIN_YEARS}年` })
  @Max(MAX_YEARS, { message: `资格期限最多${MAX_YEARS}年` })
  years!: number;

  @ApiProperty({ enum: ORGANISATION_TYPES, description: '机构性质' })
  @IsIn(ORGANISATION_TYPES, { message: `机构性质须为${ORGANISATION_TYPES.join('、')}之一` })
  organisationType!: OrganisationType;

  @ApiPropertyOptional({ type: QuoteDto, description: '申请页显示的报价；与当前会费标准不符时返回409 QUOTE_CHANGED及当前报价' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuoteDto)
  quote?: QuoteDto;
}

/** 报价: codes × years against the published fee schedule. */
export class FeeQuoteQuery {
  @ApiProperty({ description: '会员资格代码' })
  @IsString({ message: '请选择会员资格' })
  @Length(1, 50, text('会员资格', 50))
  qualificationCode!: string;

  @ApiProperty({ description: '人员规模代码' })
  @IsString({ message: '请选择人员规模' })
  @Length(1, 50, text('人员规模', 50))
  staffTierCode!: string;

  @ApiProperty({ minimum: MIN_YEARS, maximum: MAX_YEARS, description: '资格期限（年）' })
  @Type(() => Number)
  @IsInt({ message: '资格期限须为整数年' })
  @Min(MIN_YEARS, { message: `资格期限至少${MIN_YEARS}年` })
  @Max(MAX_YEARS, { message: `资格期限最多${MAX_YEARS}年` })
  years!: number;

}

export class CodeNameView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

/** 资格日期 under the fee schedule's term policy. */
export class CoverageView {
  @ApiProperty({ description: '缴费年度起始日（YYYY-MM-DD）；新入会且未过截止日时为缴费当日，此处按今天计' }) termStart!: string;
  @ApiProperty({ description: '资格截止日（YYYY-MM-DD）' }) termEnd!: string;
  @ApiProperty({ description: '在截止日（如12月1日）及以后确认的申请，缴费年度从次年1月1日起算' }) startsNextYear!: boolean;
  @ApiProperty({ description: '会员资格自缴费之日起生效' }) activeFromPayment!: boolean;
  @ApiProperty({ description: '面向单位的说明文字', example: '会员资格自缴费到账之日起生效；所缴会费覆盖2027年1月1日至2027年12月31日' }) description!: string;
}

export class FeeQuoteView {
  @ApiProperty({ type: CodeNameView, description: '会员资格' }) qualification!: CodeNameView;
  @ApiProperty({ type: CodeNameView, description: '人员规模' }) staffTier!: CodeNameView;
  @ApiProperty({ description: '资格期限（年）' }) years!: number;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty({ description: '应付金额（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '应付金额（大写）', example: '壹仟元整' }) amountDueInWords!: string;
  @ApiProperty({ description: '会费标准版本' }) scheduleVersion!: string;
  @ApiProperty({ description: '会费为待财务确认的占位数值' }) placeholder!: boolean;
  @ApiProperty({ type: CoverageView }) coverage!: CoverageView;
}

export class FeeTierOptionView {
  @ApiProperty({ description: '人员规模代码' }) code!: string;
  @ApiProperty({ description: '人员规模' }) name!: string;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty({ description: '会费为待财务确认的占位数值' }) placeholder!: boolean;
  @ApiProperty({ description: '可以申请（生产环境下占位会费不可申请）' }) available!: boolean;
  @ApiPropertyOptional({ description: '不可申请的原因' }) unavailableReason?: string;
}

export class FeeQualificationOptionView {
  @ApiProperty({ description: '会员资格代码' }) code!: string;
  @ApiProperty({ description: '会员资格' }) name!: string;
  @ApiProperty({ type: [FeeTierOptionView] }) tiers!: FeeTierOptionView[];
}

export class YearsRangeView {
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
}

export class FeeOptionsView {
  @ApiProperty({ nullable: true, type: String, description: '生效中的会费标准版本' }) scheduleVersion!: string | null;
  @ApiProperty({ nullable: true, type: String, description: '生效日期' }) effectiveFrom!: string | null;
  @ApiProperty({ nullable: true, type: String, description: '入会截止日（MM-DD），此日及以后确认的申请缴费年度从次年1月1日起算' }) lateJoinCutoff!: string | null;
  @ApiProperty({ type: YearsRangeView }) years!: YearsRangeView;
  @ApiProperty({ type: [FeeQualificationOptionView] }) qualifications!: FeeQualificationOptionView[];
}

export class RegionDto {
  @ApiProperty({ example: '340000' })
  @IsString({ message: '请选择省份' })
  provinceCode!: string;

  @ApiProperty({ example: '341500' })
  @IsString({ message: '请选择城市' })
  cityCode!: string;

  @ApiProperty({ example: '341502' })
  @IsRegionTriple('provinceCode', 'cityCode', '收货地址')
  districtCode!: string;
}

/** 确认申请信息 + 寄送地址 (step 6 of the guide). */
export class ConfirmationDto {
  @ApiProperty({ description: '签收人' })
  @NormalizeInput()
  @IsString({ message: '请填写签收人' })
  @Length(1, 50, text('签收人', 50))
  recipient!: string;

  @ApiProperty({ description: '手机号码' })
  @NormalizeMobile()
  @IsCnMobile('手机号码')
  mobile!: string;

  @ApiPropertyOptional({ description: '电话号码（区号-号码）' })
  @IsOptional()
  @NormalizeInput()
  @IsCnLandline('电话号码')
  landline?: string;

  @ApiProperty({ type: RegionDto, description: '收货地址（省/市/区县）' })
  @IsDefined({ message: '请选择收货地址的省/市/区县' })
  @ValidateNested()
  @Type(() => RegionDto)
  region!: RegionDto;

  @ApiProperty({ description: '详细地址' })
  @NormalizeInput()
  @IsString({ message: '请填写详细地址' })
  @Length(1, 500, text('详细地址', 500))
  street!: string;

  @ApiProperty({ description: '邮编' })
  @NormalizeInput()
  @IsCnPostcode('邮编')
  postcode!: string;

  @ApiProperty({ description: '发票抬头' })
  @NormalizeInput()
  @IsString({ message: '请填写发票抬头' })
  @Length(1, 200, text('发票抬头', 200))
  invoiceTitle!: string;

  @ApiProperty({ description: '统一社会信用代码（18位）' })
  @IsCreditCode('统一社会信用代码')
  creditCode!: string;
}

export class CancellationDto {
  @ApiProperty({ description: '取消原因' })
  // Free text is kept as typed (NFKC would turn Chinese full-width punctuation into ASCII).
  @IsString({ message: '请填写取消原因' })
  @Length(1, 500, text('取消原因', 500))
  reason!: string;
}

export class CertificateMailingDto {
  @ApiProperty({ description: '承运商', example: '中国邮政EMS' })
  @NormalizeInput()
  @IsString({ message: '请填写承运商' })
  @Length(1, 50, text('承运商', 50))
  carrier!: string;

  @ApiProperty({ description: '运单号' })
  @NormalizeInput()
  @IsString({ message: '请填写运单号' })
  @Matches(/^[A-Za-z0-9-]{4,40}$/, { message: '运单号须为4至40位字母、数字或连字符' })
  trackingNumber!: string;
}

export class StatusOverrideDto {
  @ApiProperty({ enum: OVERRIDABLE_STATUSES })
  @IsIn(OVERRIDABLE_STATUSES, { message: `目标状态须为${OVERRIDABLE_STATUSES.join('、')}之一` })
  status!: OverridableStatus;

  @ApiProperty({ description: '调整原因（必填，记入审计）' })
  // Free text is kept as typed (NFKC would turn Chinese full-width punctuation into ASCII).
  @IsString({ message: '请填写调整原因' })
  @Length(1, 500, text('调整原因', 500))
  reason!: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MEMBERSHIP_SEARCH_STATUSES = ['pending_payment', 'active', 'grace', 'expired', 'cancelled', 'payment_reversed'];

export class LifecycleRunDto {
  @ApiPropertyOptional({ description: '按该日期（上海时间）运行，默认今天', example: '2027-12-01' })
  @IsOptional()
  @Matches(DATE, { message: '日期格式须为YYYY-MM-DD' })
  on?: string;
}

export class MembershipSearchQuery {
  @ApiPropertyOptional({ description: '单位名称（包含）', maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200, text('单位名称', 200)) name?: string;
  @ApiPropertyOptional({ description: '会员编号', maxLength: 30 }) @IsOptional() @IsString() @Length(1, 30, text('会员编号', 30)) memberNumber?: string;
  @ApiPropertyOptional({ enum: MEMBERSHIP_SEARCH_STATUSES }) @IsOptional() @IsIn(MEMBERSHIP_SEARCH_STATUSES, { message: '状态无效' }) status?: string;
  @ApiPropertyOptional({ description: '省份代码（6位）', example: '110000' }) @IsOptional() @Matches(/^\d{6}$/, { message: '省份代码须为6位数字' }) provinceCode?: string;
  @ApiPropertyOptional({ description: '会员资格代码' }) @IsOptional() @IsString() @Length(1, 50, text('会员资格', 50)) qualificationCode?: string;
  @ApiPropertyOptional({ description: '到期日期起（YYYY-MM-DD）' }) @IsOptional() @Matches(DATE, { message: '到期日期起须为YYYY-MM-DD' }) expiresFrom?: string;
  @ApiPropertyOptional({ description: '到期日期止（YYYY-MM-DD）' }) @IsOptional() @Matches(DATE, { message: '到期日期止须为YYYY-MM-DD' }) expiresTo?: string;
  @ApiPropertyOptional({ description: '页码，从1开始', minimum: 1, default: 1 }) @PageNumber() page?: number;
  @ApiPropertyOptional({ description: '每页条数', minimum: 1, maximum: 100, default: 20 }) @PageLimit({ max: 100 }) pageSize?: number;
}

export class CertificateQuery {
  @ApiPropertyOptional({ enum: ['due', 'mailed'], default: 'due', description: '待寄送/已寄送' }) @IsOptional() @IsIn(['due', 'mailed'], { message: '状态须为 due 或 mailed' }) status?: 'due' | 'mailed';
}

export class ApplicationListQuery {
  @ApiPropertyOptional({ description: '单位编号（仅工作人员；单位只能看自己的申请）' }) @IsOptional() @Matches(/^[0-9a-f-]{36}$/i, { message: '单位编号格式不正确' }) institutionId?: string;
}
