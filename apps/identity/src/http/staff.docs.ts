import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLE_LIST } from '../domain/staff';

/** Answer and body shapes of the console's identity endpoints (staff accounts, account locks), for the OpenAPI document. */
export class StaffDoc {
  @ApiProperty() accountId!: string;
  @ApiProperty({ description: '登录名' }) username!: string;
  @ApiProperty({ description: '姓名' }) displayName!: string;
  @ApiProperty({ enum: STAFF_ROLE_LIST, isArray: true }) roles!: string[];
  @ApiProperty({ enum: ['pending', 'active', 'disabled'], description: '待设置密码/正常/已停用' }) status!: 'pending' | 'active' | 'disabled';
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) disabledAt!: string | null;
}

export class StaffListDoc {
  @ApiProperty({ type: [StaffDoc] }) items!: StaffDoc[];
}

/** A new or reset account: the one-time code for 设置密码, shown once. */
export class StaffWithSetupCodeDoc extends StaffDoc {
  @ApiProperty({ description: '一次性设置密码码' }) setupCode!: string;
  @ApiProperty({ description: '设置密码页面路径（含设置码）' }) setupPath!: string;
  @ApiProperty() setupExpiresAt!: string;
}

export class StaffPasswordSetDoc {
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['weak', 'medium', 'strong'] }) passwordStrength!: 'weak' | 'medium' | 'strong';
}

export class CreateStaffDoc {
  @ApiProperty({ description: '登录名（4–30位字母、数字、下划线）' }) username!: string;
  @ApiProperty({ description: '姓名（≤50字）' }) displayName!: string;
  @ApiProperty({ enum: STAFF_ROLE_LIST, isArray: true }) roles!: string[];
}
export class StaffRolesDoc {
  @ApiProperty({ enum: STAFF_ROLE_LIST, isArray: true, description: '1–3个角色' }) roles!: string[];
}
export class ReasonDoc {
  @ApiProperty({ description: '原因（≤200字）' }) reason!: string;
}
export class OptionalReasonDoc {
  @ApiPropertyOptional({ description: '说明（≤200字）' }) reason?: string;
}
export class SetStaffPasswordDoc {
  @ApiProperty({ description: '设置密码链接中的一次性码' }) code!: string;
  @ApiProperty() password!: string;
  @ApiProperty() confirmPassword!: string;
}

export class AccountLockDoc {
  @ApiProperty() institutionId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) lockedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) lockedAt!: string | null;
}
