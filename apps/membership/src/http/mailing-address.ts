import { PickType } from '@nestjs/swagger';
import { validationFailed } from '@lsc/service-kit';
import { resolveRegion, streetAddressProblems } from '@lsc/validation';
import type { MailingAddress } from '../domain';
import { ConfirmationDto } from './dto';

/**
 * 修改寄送地址: the address fields of 确认申请信息, with the same rules and Chinese messages (PickType copies the
 * class-validator and OpenAPI metadata), so the portal and the staff console validate one way.
 */
export class MailingAddressDto extends PickType(ConfirmationDto, ['recipient', 'mobile', 'landline', 'region', 'street', 'postcode'] as const) {}

/** Region codes resolved to names (one real 省/市/区县 triple) and the street checked against them; 400 otherwise. */
export function resolveMailingAddress(body: MailingAddressDto): MailingAddress {
  const resolved = resolveRegion(body.region.provinceCode, body.region.cityCode, body.region.districtCode);
  if (!resolved.ok) throw validationFailed([{ field: 'region.districtCode', rule: 'isRegionTriple', message: resolved.message }]);
  const { province, city, district } = resolved.region;
  const streetProblems = streetAddressProblems(body.street, { province: province.name, city: city.name, district: district.name });
  if (streetProblems.length) throw validationFailed(streetProblems.map((message) => ({ field: 'street', rule: 'isStreetAddress', message })));
  return {
    recipient: body.recipient,
    mobile: body.mobile,
    ...(body.landline ? { landline: body.landline } : {}),
    region: { provinceCode: province.code, provinceName: province.name, cityCode: city.code, cityName: city.name, districtCode: district.code, districtName: district.name },
    street: body.street,
    postcode: body.postcode,
  };
}
