import { specFor } from '@lsc/event-sourcing/testing';
import { IDENTITY_TOPIC, InstitutionProfileUpdated, validateAs } from '@lsc/contracts';
import { institutionDecider, type InstitutionEvent, type RegistrationData } from './institution';
import { institutionIntegrationEvents } from './integration-events';

const meta = { now: '2026-09-01T00:00:00.000Z', actor: 't', correlationId: 'c' };
const data: RegistrationData = {
  institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
  accountId: '5a0f6c1e-4a55-4c55-9f77-2d1c1f7f0a02',
  name: '企业机构测试',
  email: 'lib@example.cn',
  mobile: '13800138000',
  landline: '010-88544588',
  recommendingUnit: '中国图书馆学会',
  region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' },
  street: '南京路1号',
  postcode: '237000',
  consent: { agreementVersion: '2024-01', agreedAt: meta.now },
};
const registered: InstitutionEvent = { type: 'InstitutionRegistered', schemaVersion: 1, data: { ...data, registeredAt: meta.now } };

describe('institution decider', () => {
  const spec = specFor(institutionDecider);
  it('registers once', () => {
    spec.given([]).when({ type: 'RegisterInstitution', data, metadata: meta }).then([registered]);
    spec.given([registered]).when({ type: 'RegisterInstitution', data, metadata: meta }).thenThrows('INSTITUTION_ALREADY_REGISTERED');
  });
  it('a profile update reports only changed fields, a rename its own event, and a no-op nothing', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateInstitutionProfile', data: { details: { street: '南京路2号', postcode: '237000' }, name: '新名称' }, metadata: meta })
      .then([
        { type: 'InstitutionNameChanged', schemaVersion: 1, data: { previousName: '企业机构测试', name: '新名称', changedAt: meta.now } },
        { type: 'InstitutionProfileUpdated', schemaVersion: 1, data: { changedFields: ['street'], details: { landline: '010-88544588', fax: undefined, recommendingUnit: '中国图书馆学会', region: data.region, street: '南京路2号', postcode: '237000', website: undefined, remark: undefined }, logoId: undefined, updatedAt: meta.now } },
      ]);
    spec.given([registered]).when({ type: 'UpdateInstitutionProfile', data: { details: { street: '南京路1号' }, name: '企业机构测试' }, metadata: meta }).then([]);
  });
  it('e-mail change and password change need a registered institution; same e-mail is a no-op', () => {
    spec.given([]).when({ type: 'ChangeEmail', data: { email: 'a@b.cn' }, metadata: meta }).thenThrows('INSTITUTION_NOT_FOUND');
    spec.given([registered]).when({ type: 'ChangeEmail', data: { email: 'lib@example.cn' }, metadata: meta }).then([]);
    spec.given([registered]).when({ type: 'RecordPasswordChange', data: { via: 'reset' }, metadata: meta }).then([{ type: 'PasswordChanged', schemaVersion: 1, data: { via: 'reset', changedAt: meta.now } }]);
  });
  it('a mobile change records the previous and the new number; the same number is a no-op; the state carries the new one', () => {
    spec.given([]).when({ type: 'ChangeMobile', data: { mobile: '13900139000' }, metadata: meta }).thenThrows('INSTITUTION_NOT_FOUND');
    spec.given([registered]).when({ type: 'ChangeMobile', data: { mobile: '13800138000' }, metadata: meta }).then([]);
    const changed: InstitutionEvent = { type: 'MobileChanged', schemaVersion: 1, data: { previousMobile: '13800138000', mobile: '13900139000', changedAt: meta.now } };
    spec.given([registered]).when({ type: 'ChangeMobile', data: { mobile: '13900139000' }, metadata: meta }).then([changed]);
    spec.given([registered, changed]).when({ type: 'ChangeMobile', data: { mobile: '13900139000' }, metadata: meta }).then([]);
  });
});

describe('integration events', () => {
  it('a mobile change goes out as InstitutionProfileUpdated (changedFields mobile) with the new number, valid against the contract', () => {
    const changed: InstitutionEvent = { type: 'MobileChanged', schemaVersion: 1, data: { previousMobile: '13800138000', mobile: '13900139000', changedAt: meta.now } };
    const state = [registered, changed].reduce(institutionDecider.evolve, institutionDecider.initialState());
    const [out] = institutionIntegrationEvents({ state, events: [changed] });
    expect(out).toEqual({ topic: IDENTITY_TOPIC, event: { type: 'identity.InstitutionProfileUpdated', schemaVersion: 1, data: expect.objectContaining({ institutionId: data.institutionId, changedFields: ['mobile'], mobile: '13900139000', street: '南京路1号', updatedAt: meta.now }) } });
    expect(() => validateAs(InstitutionProfileUpdated.payload, out!.event.data)).not.toThrow();
  });
});

