import { Body, Controller, Get, HttpException, Module, Post, Query } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length } from 'class-validator';
import { BaseServiceConfig, createServiceApp, ServiceKitModule } from '@lsc/service-kit';
import { PageLimit, PageOffset } from '@lsc/validation';
import { walkValidation } from './validation-walk';

// What the walk must catch, each the way it was found in the services (issue #24).
class UnboundedOffset {
  @IsOptional() @Type(() => Number) @IsInt() offset?: number;
}
class SharedMessage {
  @IsString({ message: '校验码不能为空' }) captchaId!: string;
  @IsString({ message: '校验码不能为空' }) captchaAnswer!: string;
}
class Nameless {
  @IsString({ message: '不能为空' }) note!: string;
}
class GoodList {
  @PageLimit() limit?: number;
  @PageOffset() offset?: number;
}
class GoodBody {
  @IsString({ message: '请填写取消原因' }) @Length(1, 500, { message: '取消原因不能超过500个字' }) reason!: string;
  @IsString({ message: '请填写运单号' }) trackingNumber!: string;
}

@Controller('bad')
class BadController {
  @Get('list')
  list(@Query() q: UnboundedOffset) {
    // As `offset ${q.offset}` in SQL did: PostgreSQL refuses 1e+21, the request fails.
    if ((q.offset ?? 0) > Number.MAX_SAFE_INTEGER) throw new Error('invalid input syntax for type bigint: "1e+21"');
    return [];
  }

  @Post('shared')
  shared(@Body() body: SharedMessage) {
    return body;
  }

  @Post('nameless')
  nameless(@Body() body: Nameless) {
    return body;
  }

  @Get('english')
  english() {
    throw new HttpException({ code: 'BAD', message: 'Value must be a positive number', details: [] }, 400);
  }
}

@Controller('good')
class GoodController {
  @Get('list')
  list(@Query() q: GoodList) {
    return { limit: q.limit ?? 50, offset: q.offset ?? 0 };
  }

  @Post()
  create(@Body() body: GoodBody) {
    return body;
  }
}

describe('walkValidation finds what an end user would see wrong', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const config = Object.assign(new BaseServiceConfig(), { SERVICE_NAME: 'walk-test', HTTP_PORT: 0, LOG_LEVEL: 'silent' });
    @Module({ imports: [ServiceKitModule.forRoot({ config })], controllers: [BadController, GoodController] })
    class WalkModule {}
    app = await createServiceApp(WalkModule, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  it('reports a 500 on ?offset=1e21, an unbounded pagination parameter, a shared message, a message naming no field, English; nothing on the good routes', async () => {
    const { routes, findings } = await walkValidation({ app, tokenFor: async () => 'unused' });
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /bad/list', 'POST /bad/shared', 'POST /bad/nameless', 'GET /bad/english', 'GET /good/list', 'POST /good']));
    const about = (pattern: RegExp) => findings.filter((f) => pattern.test(f));
    expect(about(/^GET \/bad\/list .*\?offset=1e21: answered 500/)).not.toHaveLength(0);
    expect(about(/^GET \/bad\/list .*offset is not declared with @PageLimit\/@PageOffset\/@PageNumber/)).toHaveLength(1);
    expect(about(/^POST \/bad\/shared .*fields captchaId, captchaAnswer share the message "校验码不能为空"/)).not.toHaveLength(0);
    expect(about(/^POST \/bad\/nameless .*does not say which field it is about: "不能为空"/)).not.toHaveLength(0);
    expect(about(/^GET \/bad\/english .*English framework text in "Value must be a positive number"|^GET \/bad\/english .*message without Chinese/)).not.toHaveLength(0);
    expect(about(/\/good/)).toEqual([]);
  });
});
