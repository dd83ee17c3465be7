/**
 * Chinese names of the API's field and query-parameter names, for messages built where a DTO declared a rule without
 * its own Chinese message (class-validator's defaults are English and name the property). A DTO's own message always
 * wins; a name missing here reads 字段“name” so the message still names the field.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  // lists
  limit: '每页条数',
  offset: '偏移量',
  page: '页码',
  pageSize: '每页条数',
  // people and institutions
  institutionId: '单位编号',
  institutionName: '单位名称',
  name: '名称',
  mobile: '手机号',
  email: '邮箱',
  landline: '电话号码',
  fax: '传真',
  postcode: '邮编',
  street: '详细地址',
  provinceCode: '省份代码',
  cityCode: '城市代码',
  districtCode: '区县代码',
  region: '地区',
  recipient: '签收人',
  remark: '备注',
  website: '机构网址',
  password: '密码',
  confirmPassword: '确认密码',
  currentPassword: '当前密码',
  login: '用户名',
  loginName: '登录名',
  code: '验证码',
  smsCode: '短信验证码',
  captchaId: '校验码',
  captchaAnswer: '校验码',
  refreshToken: '刷新令牌',
  purpose: '验证码用途',
  // membership and fees
  kind: '申请类型',
  status: '状态',
  reason: '原因',
  qualificationCode: '会员资格代码',
  qualificationName: '会员资格名称',
  staffTierCode: '人员规模代码',
  staffTierName: '人员规模名称',
  tierCode: '人员规模代码',
  tierName: '人员规模名称',
  years: '资格期限',
  organisationType: '机构性质',
  quote: '会费报价',
  feePerYearFen: '会费',
  amountDueFen: '应付金额',
  amountFen: '金额',
  scheduleVersion: '会费标准版本',
  versionId: '版本号',
  effectiveFrom: '生效日期',
  entries: '收费标准',
  placeholder: '待定标记',
  memberNumber: '会员编号',
  carrier: '承运商',
  trackingNumber: '运单号',
  // billing
  orderId: '缴费单编号',
  allocations: '分配明细',
  invoiceTitle: '发票抬头',
  creditCode: '统一社会信用代码',
  invoiceNumber: '发票号码',
  documentKind: '文件类型',
  format: '格式',
  from: '开始日期',
  to: '结束日期',
  on: '日期',
  // notification
  template: '模板名称',
  transfer: '转账记录',
  id: '编号',
};

/**
 * The Chinese label of a field path as class-validator reports it (`entries.0.tierCode` → 收费标准第1项的人员规模代码).
 */
export function fieldLabel(path: string): string {
  const segments = path.split('.');
  let label = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) {
      label += `第${Number(segment) + 1}项`;
      continue;
    }
    const own = FIELD_LABELS[segment] ?? `字段“${segment}”`;
    label = label ? `${label}的${own}` : own;
  }
  return label;
}
