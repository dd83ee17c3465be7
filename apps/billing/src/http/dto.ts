import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageLimit, PageOffset } from '@lsc/validation';

export class QuoteQuery {
  @ApiProperty({ description: '会员资格代码', example: 'enterprise' }) @IsString({ message: '请选择会员资格' }) @Length(1, 50, { message: '会员资格无效' }) qualificationCode!: string;
  @ApiProperty({ description: '人员规模代码' }) @IsString({ message: '请选择人员规模' }) @Length(1, 50, { message: '人员规模无效' }) staffTierCode!: string;
  @ApiProperty({ description: '资格期限（年）', minimum: 1, maximum: 5 }) @Type(() => Number) @IsInt({ message: '资格期限须为整数年' }) @Min(1, { message: '资格期限至少1年' }) @Max(5, { message: '资格期限最多5年' }) years!: number;
}

export class FeeEntryDto {
  @ApiProperty() @IsString() @Length(1, 50, { message: '会员资格代码无效' }) qualificationCode!: string;
  @ApiProperty() @IsString() @Length(1, 50, { message: '会员资格名称无效' }) qualificationName!: string;
  @ApiProperty() @IsString() @Length(1, 50, { message: '人员规模代码无效' }) tierCode!: string;
  @ApiProperty() @IsString() @Length(1, 50, { message: '人员规模名称无效' }) tierName!: string;
  @ApiProperty({ description: '会费（分/年）' }) @IsInt({ message: '会费须为整数（分）' }) @Min(0, { message: '会费不能为负' }) feePerYearFen!: number;
  @ApiPropertyOptional({ description: '待确认的占位会费' }) @IsOptional() @IsBoolean() placeholder?: boolean;
}

export class TermPolicyDto {
  /** MM-DD (Asia/Shanghai); null: no cut-off. */
  @ApiProperty({ type: String, nullable: true, description: '入会截止日 MM-DD；null 为不设' }) @IsOptional() @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '入会截止日格式须为 MM-DD，如 12-01' }) lateJoinCutoff!: string | null;
}

export class PublishVersionDto {
  @ApiProperty() @IsString() @Length(1, 40, { message: '版本号长度须为1-40' }) versionId!: string;
  @ApiProperty({ description: '生效日期 YYYY-MM-DD' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '生效日期格式须为 YYYY-MM-DD' }) effectiveFrom!: string;
  @ApiProperty({ type: [FeeEntryDto] }) @IsArray() @ArrayMinSize(1, { message: '收费标准不能为空' }) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => FeeEntryDto) entries!: FeeEntryDto[];
  /** Omitted: applications confirmed from 1 December on start their paid term on 1 January of the next year. */
  @ApiPropertyOptional({ type: TermPolicyDto }) @IsOptional() @ValidateNested() @Type(() => TermPolicyDto) termPolicy?: TermPolicyDto;
}

export class ChangeFeeDto {
  @ApiProperty() @IsString() @Length(1, 50) qualificationCode!: string;
  @ApiProperty() @IsString() @Length(1, 50) tierCode!: string;
  @ApiProperty({ description: '会费（分/年）' }) @IsInt({ message: '会费须为整数（分）' }) @Min(0) feePerYearFen!: number;
  @ApiProperty({ description: '调整原因' }) @IsString() @Length(1, 500, { message: '请填写调整原因' }) reason!: string;
}

export const ORDER_STATUSES = ['unpaid', 'partially_paid', 'paid', 'overpaid', 'cancelled'] as const;
export class OrdersQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES, { message: '状态无效' }) status?: (typeof ORDER_STATUSES)[number];
  @ApiPropertyOptional({ description: '机构编号（仅工作人员）' }) @IsOptional() @IsUUID('all', { message: '机构ID无效' }) institutionId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @PageLimit({ max: 500 }) limit?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0 }) @PageOffset() offset?: number;
}

export class ConfirmDto {
  @ApiProperty() @IsUUID('all', { message: '缴费单ID无效' }) orderId!: string;
}
export class RejectDto {
  @ApiProperty() @IsString({ message: '请填写驳回原因' }) @Length(1, 500, { message: '驳回原因长度须为1-500字' }) reason!: string;
}
export class ReverseMatchDto {
  @ApiProperty() @IsString({ message: '请填写撤销原因' }) @Length(1, 500, { message: '撤销原因长度须为1-500字' }) reason!: string;
}
export class RejectProposalDto {
  @IsString({ message: '请填写退回原因' }) @Length(1, 500, { message: '退回原因长度须为1-500字' }) reason!: string;
}
export class AllocationDto {
  @ApiProperty() @IsUUID('all', { message: '缴费单ID无效' }) orderId!: string;
  @ApiProperty({ description: '金额（分）' }) @IsInt({ message: '金额须为整数（分）' }) @Min(1, { message: '金额须大于0' }) amountFen!: number;
}
export class ManualMatchDto {
  @ApiProperty({ type: [AllocationDto] }) @IsArray() @ArrayMinSize(1, { message: '请至少分配到一张缴费单' }) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AllocationDto) allocations!: AllocationDto[];
}
export class ReissueDto {
  @ApiProperty() @IsString({ message: '请填写红冲原因' }) @Length(1, 500, { message: '红冲原因长度须为1-500字' }) reason!: string;
}

export class PeriodQuery {
  @ApiPropertyOptional({ description: '起始日期 YYYY-MM-DD' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ description: '截止日期 YYYY-MM-DD' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ enum: ['json', 'xlsx'], default: 'json' }) @IsOptional() @IsIn(['json', 'xlsx'], { message: '格式须为 json 或 xlsx' }) format?: 'json' | 'xlsx';
}
export class FormatQuery {
  @ApiPropertyOptional({ enum: ['json', 'xlsx'], default: 'json' }) @IsOptional() @IsIn(['json', 'xlsx'], { message: '格式须为 json 或 xlsx' }) format?: 'json' | 'xlsx';
}
