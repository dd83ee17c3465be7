export const SMS_PURPOSES = ['register', 'login', 'reset', 'change_email', 'change_mobile'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

export const SMS_PURPOSE_LABELS: Record<SmsPurpose, string> = {
  register: '注册单位会员账号',
  login: '登录',
  reset: '重置密码',
  change_email: '更换邮箱',
  change_mobile: '更换手机号',
};

export interface VerificationSms {
  /** Canonical 11-digit mainland mobile number. */
  phone: string;
  purpose: SmsPurpose;
  code: string;
  ttlMinutes: number;
}

/** Port to whatever actually delivers the text message. */
export interface SmsSender {
  sendVerificationCode(message: VerificationSms): Promise<void>;
}

export function verificationSmsText(message: VerificationSms): string {
  return `【中国图书馆学会】您的验证码为${message.code}，用于${SMS_PURPOSE_LABELS[message.purpose]}，${message.ttlMinutes}分钟内有效。请勿将验证码告知他人。`;
}
