import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_PAGE_OFFSET, MAX_PAGE_SIZE, PageLimit, PageNumber, PageOffset } from './pagination';

class ListQuery {
  @PageLimit() limit?: number;
  @PageOffset() offset?: number;
  @PageNumber() page?: number;
}
class ExportQuery {
  @PageLimit({ max: 500 }) limit?: number;
}

const check = <T extends object>(cls: new () => T, query: Record<string, string>) => {
  const dto = plainToInstance(cls, query);
  return { dto, problems: validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message }))) };
};

describe('pagination parameters', () => {
  it('turns plain decimal digits into numbers within the bounds', () => {
    expect(check(ListQuery, { limit: '200', offset: '0', page: '3' })).toEqual({ dto: Object.assign(new ListQuery(), { limit: 200, offset: 0, page: 3 }), problems: [] });
    expect(check(ListQuery, {}).problems).toEqual([]);
    expect(check(ListQuery, { offset: String(MAX_PAGE_OFFSET) }).problems).toEqual([]);
  });

  it.each(['1e21', '-1', 'abc', '1.5', '0x10', ' 7', '', '9'.repeat(16), String(MAX_PAGE_OFFSET + 1)])('refuses offset=%j with one Chinese message naming it', (bad) => {
    expect(check(ListQuery, { offset: bad }).problems).toEqual([{ field: 'offset', message: `偏移量须为0至${MAX_PAGE_OFFSET}之间的整数` }]);
  });

  it.each(['0', '201', '1e2', '-5', 'ten', '2.0'])('refuses limit=%j', (bad) => {
    expect(check(ListQuery, { limit: bad }).problems).toEqual([{ field: 'limit', message: `每页条数须为1至${MAX_PAGE_SIZE}之间的整数` }]);
  });

  it('lets an endpoint declare its own maximum; page numbers start at 1', () => {
    expect(check(ExportQuery, { limit: '500' }).problems).toEqual([]);
    expect(check(ExportQuery, { limit: '501' }).problems).toEqual([{ field: 'limit', message: '每页条数须为1至500之间的整数' }]);
    expect(check(ListQuery, { page: '0' }).problems).toEqual([{ field: 'page', message: '页码须为1至100000之间的整数' }]);
  });
});
