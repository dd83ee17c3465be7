import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageLimit, PageOffset } from '@lsc/validation';

export class QuoteQuery {
  @IsString({ message: '请选择会员资格' }) @Length(1, 50, { message: '会员资格无效' }) qualificationCode!: string;
  @IsString({ message: '请选择人员规模' }) @Length(1, 50, { message: '人员规模无效' }) staffTierCode!: string;
  @Type(() => Number) @IsInt({ message: '资格期限须为整数年' }) @Min(1, { message: '资格期限至少1年' }) @Max(5, { message: '资格期限最多5年' }) years!: number;
}

export class FeeEntryDto {
  @IsString() @Length(1, 50, { message: '会员资格代码无效' }) qualificationCode!: string;
  @IsString() @Length(1, 50, { message: '会员资格名称无效' }) qualificationName!: string;
  @IsString() @Length(1, 50, { message: '人员规模代码无效' }) tierCode!: string;
  @IsString() @Length(1, 50, { message: '人员规模名称无效' }) tierName!: string;
  @IsInt({ message: '会费须为整数（分）' }) @Min(0, { message: '会费不能为负' }) feePerYearFen!: number;
  @IsOptional() @IsBoolean() placeholder?: boolean;
}

export class TermPolicyDto {
  /** MM-DD (Asia/Shanghai); null: no cut-off. */
  @IsOptional() @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '入会截止日格式须为 MM-DD，如 12-01' }) lateJoinCutoff!: string | null;
}

export class PublishVersionDto {
  @IsString() @Length(1, 40, { message: '版本号长度须为1-40' }) versionId!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '生效日期格式须为 YYYY-MM-DD' }) effectiveFrom!: string;
  @IsArray() @ArrayMinSize(1, { message: '收费标准不能为空' }) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => FeeEntryDto) entries!: FeeEntryDto[];
  /** Omitted: applications confirmed from 1 December on start their paid term on 1 January of the next year. */
  @IsOptional() @ValidateNested() @Type(() => TermPolicyDto) termPolicy?: TermPolicyDto;
}

export class ChangeFeeDto {
  @IsString() @Length(1, 50) qualificationCode!: string;
  @IsString() @Length(1, 50) tierCode!: string;
  @IsInt({ message: '会费须为整数（分）' }) @Min(0) feePerYearFen!: number;
  @IsString() @Length(1, 500, { message: '请填写调整原因' }) reason!: string;
}

export const ORDER_STATUSES = ['unpaid', 'partially_paid', 'paid', 'overpaid', 'cancelled'] as const;
export class OrdersQuery {
  @IsOptional() @IsIn(ORDER_STATUSES, { message: '状态无效' }) status?: (typeof ORDER_STATUSES)[number];
  @IsOptional() @IsUUID('all', { message: '机构ID无效' }) institutionId?: string;
  @PageLimit({ max: 500 }) limit?: number;
  @PageOffset() offset?: number;
}

export class ConfirmDto {
  @IsUUID('all', { message: '缴费单ID无效' }) orderId!: string;
}
export class RejectDto {
  @IsString({ message: '请填写驳回原因' }) @Length(1, 500, { message: '驳回原因长度须为1-500字' }) reason!: string;
}
export class ReverseMatchDto {
  @IsString({ message: '请填写撤销原因' }) @Length(1, 500, { message: '撤销原因长度须为1-500字' }) reason!: string;
}
export class RejectProposalDto {
  @IsString({ message: '请填写退回原因' }) @Length(1, 500, { message: '退回原因长度须为1-500字' }) reason!: string;
}
export class AllocationDto {
  @IsUUID('all', { message: '缴费单ID无效' }) orderId!: string;
  @IsInt({ message: '金额须为整数（分）' }) @Min(1, { message: '金额须大于0' }) amountFen!: number;
}
export class ManualMatchDto {
  @IsArray() @ArrayMinSize(1, { message: '请至少分配到一张缴费单' }) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AllocationDto) allocations!: AllocationDto[];
}
export class ReissueDto {
  @IsString({ message: '请填写红冲原因' }) @Length(1, 500, { message: '红冲原因长度须为1-500字' }) reason!: string;
}

export class PeriodQuery {
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) from?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) to?: string;
  @IsOptional() @IsIn(['json', 'xlsx'], { message: '格式须为 json 或 xlsx' }) format?: 'json' | 'xlsx';
}
export class FormatQuery {
  @IsOptional() @IsIn(['json', 'xlsx'], { message: '格式须为 json 或 xlsx' }) format?: 'json' | 'xlsx';
}
