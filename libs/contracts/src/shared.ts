import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';

/** Money is always integer fen (1 元 = 100 fen); never floats. */
export function IsFen(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(0)(target, key);
  };
}

/** GB/T 2260 division, stored as code and name because codes are re-issued over the years. */
export class RegionV1 {
  @Matches(/^\d{6}$/) provinceCode!: string;
  @IsString() @MaxLength(50) provinceName!: string;
  @Matches(/^\d{6}$/) cityCode!: string;
  @IsString() @MaxLength(50) cityName!: string;
  @Matches(/^\d{6}$/) districtCode!: string;
  @IsString() @MaxLength(50) districtName!: string;
}

export class MailingAddressV1 {
  @IsString() @Length(1, 50) recipient!: string;
  @Matches(/^1[3-9]\d{9}$/) mobile!: string;
  @IsOptional() @IsString() @MaxLength(30) landline?: string;
  @ValidateNested() @Type(() => RegionV1) region!: RegionV1;
  @IsString() @Length(1, 500) street!: string;
  @Matches(/^\d{6}$/) postcode!: string;
}

export const exampleRegion: RegionV1 = {
  provinceCode: '340000',
  provinceName: '安徽省',
  cityCode: '341500',
  cityName: '六安市',
  districtCode: '341502',
  districtName: '金安区',
};
