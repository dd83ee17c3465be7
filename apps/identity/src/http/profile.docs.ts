import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SessionDoc } from './sessions.docs';

/**
 * Answer and form shapes of the institution's own account endpoints, for the OpenAPI document only (the portal's
 * typed client is generated from it). The services build these answers as plain objects (profileView,
 * RegistrationResult); the classes just describe them, and an identity test checks the document names them.
 */
const STRENGTH = { enum: ['weak', 'medium', 'strong'], description: '密码强度（弱/中/强）' } as const;

export class RegionDoc {
  @ApiProperty({ example: '110000' }) provinceCode!: string;
  @ApiProperty({ example: '北京市' }) provinceName!: string;
  @ApiProperty({ example: '110100' }) cityCode!: string;
  @ApiProperty({ example: '市辖区' }) cityName!: string;
  @ApiProperty({ example: '110101' }) districtCode!: string;
  @ApiProperty({ example: '东城区' }) districtName!: string;
}

export class ConsentDoc {
  @ApiProperty({ description: '同意的注册协议版本' }) agreementVersion!: string;
  @ApiProperty({ description: '同意时间（ISO 8601）' }) agreedAt!: string;
}

export class ProfileDoc {
  @ApiProperty({ description: '机构编号' }) institutionId!: string;
  @ApiProperty({ description: '机构名称' }) name!: string;
  @ApiProperty({ description: '邮箱' }) email!: string;
  @ApiProperty({ description: '手机号' }) mobile!: string;
  @ApiProperty({ type: String, nullable: true, description: '用户名（可不设）' }) loginName!: string | null;
  @ApiProperty({ description: '电话（区号-号码）' }) landline!: string;
  @ApiProperty({ type: String, nullable: true, description: '传真' }) fax!: string | null;
  @ApiProperty({ description: '推荐单位' }) recommendingUnit!: string;
  @ApiProperty({ type: RegionDoc }) region!: RegionDoc;
  @ApiProperty({ description: '详细地址' }) street!: string;
  @ApiProperty({ description: '邮编' }) postcode!: string;
  @ApiProperty({ type: String, nullable: true, description: '机构网址' }) website!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '备注' }) remark!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '机构标志图片地址' }) logoUrl!: string | null;
  @ApiProperty({ type: ConsentDoc }) consent!: ConsentDoc;
  @ApiProperty({ description: '注册时间（ISO 8601）' }) registeredAt!: string;
}

/** 更换手机号: the profile and the new login (every earlier one ended). */
export class MobileChangedDoc extends ProfileDoc {
  @ApiProperty({ type: SessionDoc, description: '新的登录；浏览器会话中刷新令牌改以 Cookie 下发' }) session!: SessionDoc;
}

export class PasswordChangedDoc {
  @ApiProperty(STRENGTH) passwordStrength!: 'weak' | 'medium' | 'strong';
  @ApiProperty({ type: SessionDoc, description: '新的登录（修改密码结束了此前所有登录）；浏览器会话中刷新令牌改以 Cookie 下发' }) session!: SessionDoc;
}

export class PasswordResetDoneDoc {
  @ApiProperty(STRENGTH) passwordStrength!: 'weak' | 'medium' | 'strong';
}

export class RegisteredDoc {
  @ApiProperty({ description: '机构编号' }) institutionId!: string;
  @ApiProperty({ description: '账号编号' }) accountId!: string;
  @ApiProperty({ type: String, nullable: true }) loginName!: string | null;
  @ApiProperty(STRENGTH) passwordStrength!: 'weak' | 'medium' | 'strong';
  @ApiProperty({ type: String, nullable: true, description: '上传的机构标志地址' }) logoUrl!: string | null;
}

export class RecommendingUnitDoc {
  @ApiProperty({ description: '行政区划代码；中国图书馆学会为 000000' }) code!: string;
  @ApiProperty() name!: string;
}

export class RecommendingUnitsDoc {
  @ApiProperty({ type: [RecommendingUnitDoc] }) items!: RecommendingUnitDoc[];
}

export class PasswordStrengthDoc {
  @ApiProperty(STRENGTH) strength!: 'weak' | 'medium' | 'strong';
  @ApiProperty({ description: '弱/中/强' }) label!: string;
  @ApiProperty({ type: [String], description: '密码不符合要求之处（中文）' }) problems!: string[];
}

/**
 * 机构用户注册的表单 (multipart/form-data, or the same fields as JSON without a logo). Every value is text, as a form
 * sends it; the rules are RegisterInstitutionDto's.
 */
export class RegistrationFormDoc {
  @ApiPropertyOptional({ type: 'string', format: 'binary', description: '机构标志（PNG/JPEG/GIF，显示为164×78）' }) logo?: unknown;
  @ApiProperty({ description: '密码（8–20位，含字母、数字和符号中的至少两类）' }) password!: string;
  @ApiProperty({ description: '确认密码' }) confirmPassword!: string;
  @ApiProperty({ description: '电话：区号-号码', example: '010-88544588' }) landline!: string;
  @ApiPropertyOptional({ description: '传真：区号-号码' }) fax?: string;
  @ApiProperty({ description: '邮箱（≤50字符）' }) email!: string;
  @ApiProperty({ description: '机构名称（≤200字）' }) name!: string;
  @ApiProperty({ description: '推荐单位（GET /api/v1/identity/recommending-units 中的名称）' }) recommendingUnit!: string;
  @ApiProperty({ description: '所在地区：省级代码', example: '110000' }) provinceCode!: string;
  @ApiProperty({ description: '所在地区：市级代码', example: '110100' }) cityCode!: string;
  @ApiProperty({ description: '所在地区：区县代码', example: '110101' }) districtCode!: string;
  @ApiProperty({ description: '详细地址（≤30字）' }) street!: string;
  @ApiProperty({ description: '邮编（6位）' }) postcode!: string;
  @ApiPropertyOptional({ description: '机构网址' }) website?: string;
  @ApiPropertyOptional({ description: '备注（≤500字）' }) remark?: string;
  @ApiPropertyOptional({ description: '用户名（4–30位字母、数字、下划线）' }) loginName?: string;
  @ApiProperty({ description: '手机号' }) mobile!: string;
  @ApiProperty({ description: '短信验证码（用途 register）' }) smsCode!: string;
  @ApiProperty({ description: '校验码编号' }) captchaId!: string;
  @ApiProperty({ description: '校验码答案' }) captchaAnswer!: string;
  @ApiProperty({ enum: ['true', 'on', '1', 'yes'], description: '已阅读并同意注册协议' }) agreementAccepted!: string;
}

// Request bodies of the account changes (validated by the *Dto classes of profile.dto.ts / sessions.dto.ts).
export class UpdateProfileDoc {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() landline?: string;
  @ApiPropertyOptional({ description: '空串清除传真' }) fax?: string;
  @ApiPropertyOptional() recommendingUnit?: string;
  @ApiPropertyOptional() provinceCode?: string;
  @ApiPropertyOptional() cityCode?: string;
  @ApiPropertyOptional() districtCode?: string;
  @ApiPropertyOptional() street?: string;
  @ApiPropertyOptional() postcode?: string;
  @ApiPropertyOptional({ description: '空串清除网址' }) website?: string;
  @ApiPropertyOptional() remark?: string;
}

export class ChangePasswordDoc {
  @ApiProperty() currentPassword!: string;
  @ApiProperty() password!: string;
  @ApiProperty() confirmPassword!: string;
}

export class ChangeEmailDoc {
  @ApiProperty() email!: string;
  @ApiProperty({ description: '发往当前手机号的短信验证码（用途 change_email）' }) code!: string;
}

export class ChangeMobileDoc {
  @ApiProperty({ description: '新手机号' }) mobile!: string;
  @ApiProperty({ description: '发往新手机号的短信验证码（用途 change_mobile）' }) code!: string;
  @ApiProperty() currentPassword!: string;
}
