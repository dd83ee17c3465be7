import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ORGANISATION_TYPES, type OrganisationType } from '@lsc/contracts';
import { IsCnLandline, IsCnMobile, IsCnPostcode, IsCreditCode, IsRegionTriple, NormalizeInput, NormalizeMobile, PageLimit, PageNumber } from '@lsc/validation';
import { MAX_YEARS, MIN_YEARS, OVERRIDABLE_STATUSES, type ApplicationKind, type OverridableStatus } from '../domain';

const text = (label: string, max: number) => ({ message: `${label}不能为空且不能超过${max}个字符` });

/** The figures billing's quote endpoint returned; stored and forwarded, never recomputed here. */
export class QuoteDto {
  @ApiProperty({ description: '会费（分/年）' })
  @IsInt({ message: '会费须为整数（单位：分）' })
  @Min(0, { message: '会费不能为负数' })
  feePerYearFen!: number;

  @ApiProperty({ description: '应付金额（分）' })
  @IsInt({ message: '应付金额须为整数（单位：分）' })
  @Min(0, { message: '应付金额不能为负数' })
  amountDueFen!: number;

  @ApiProperty({ description: '会费标准版本' })
  @IsString({ message: '会费标准版本须为文本' })
  @Length(1, 40, text('会费标准版本', 40))
  scheduleVersion!: string;
}

export class ApplyDto {
  @ApiProperty({ enum: ['new', 'renewal'] })
  @IsIn(['new', 'renewal'], { message: '申请类型须为 new（会员申请）或 renewal（会员续费）' })
  kind!: ApplicationKind;

  @ApiProperty({ description: '会员资格代码' })
  @IsString({ message: '请选择会员资格' })
  @Length(1, 50, text('会员资格', 50))
  qualificationCode!: string;

  @ApiProperty({ description: '会员资格名称' })
  // The page sends the name with the code it chose; a message of its own, so it is not said twice beside the code's.
  @IsString({ message: '缺少会员资格名称，请重新选择会员资格' })
  @Length(1, 50, text('会员资格名称', 50))
  qualificationName!: string;

  @ApiProperty({ description: '人员规模代码' })
  @IsString({ message: '请选择人员规模' })
  @Length(1, 50, text('人员规模', 50))
  staffTierCode!: string;

  @ApiProperty({ description: '人员规模名称' })
  @IsString({ message: '缺少人员规模名称，请重新选择人员规模' })
  @Length(1, 50, text('人员规模名称', 50))
  staffTierName!: string;

  @ApiProperty({ minimum: MIN_YEARS, maximum: MAX_YEARS, description: '资格期限（年）' })
  @IsInt({ message: '资格期限须为整数年' })
  @Min(MIN_YEARS, { message: `资格期限至少${MIN_YEARS}年` })
  @Max(MAX_YEARS, { message: `资格期限最多${MAX_YEARS}年` })
  years!: number;

  @ApiProperty({ enum: ORGANISATION_TYPES, description: '机构性质' })
  @IsIn(ORGANISATION_TYPES, { message: `机构性质须为${ORGANISATION_TYPES.join('、')}之一` })
  organisationType!: OrganisationType;

  @ApiProperty({ type: QuoteDto })
  @IsDefined({ message: '缺少会费报价，请重新获取报价' })
  @ValidateNested()
  @Type(() => QuoteDto)
  quote!: QuoteDto;
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

export class LifecycleRunDto {
  @ApiPropertyOptional({ description: '按该日期（上海时间）运行，默认今天', example: '2027-12-01' })
  @IsOptional()
  @Matches(DATE, { message: '日期格式须为YYYY-MM-DD' })
  on?: string;
}

export class MembershipSearchQuery {
  @IsOptional() @IsString() @Length(1, 200, text('单位名称', 200)) name?: string;
  @IsOptional() @IsString() @Length(1, 30, text('会员编号', 30)) memberNumber?: string;
  @IsOptional() @IsIn(['pending_payment', 'active', 'grace', 'expired', 'cancelled', 'payment_reversed'], { message: '状态无效' }) status?: string;
  @IsOptional() @Matches(/^\d{6}$/, { message: '省份代码须为6位数字' }) provinceCode?: string;
  @IsOptional() @IsString() @Length(1, 50, text('会员资格', 50)) qualificationCode?: string;
  @IsOptional() @Matches(DATE, { message: '到期日期起须为YYYY-MM-DD' }) expiresFrom?: string;
  @IsOptional() @Matches(DATE, { message: '到期日期止须为YYYY-MM-DD' }) expiresTo?: string;
  @PageNumber() page?: number;
  @PageLimit({ max: 100 }) pageSize?: number;
}

export class CertificateQuery {
  @IsOptional() @IsIn(['due', 'mailed'], { message: '状态须为 due 或 mailed' }) status?: 'due' | 'mailed';
}

export class ApplicationListQuery {
  @IsOptional() @Matches(/^[0-9a-f-]{36}$/i, { message: '单位编号格式不正确' }) institutionId?: string;
}
