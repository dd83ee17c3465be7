import { Counter } from 'prom-client';
import { Metrics } from './metrics';

describe('Metrics.initialiseSeries', () => {
  it('exports the declared label combinations at 0 from the first scrape, whoever registers the counter and when', async () => {
    const metrics = new Metrics('svc');
    metrics.initialiseSeries('orders_total', [{ mode: 'auto' }, { mode: 'manual' }]);
    metrics.initialiseSeries('not_registered_total', [{ x: 'y' }]);
    // Registered after the declaration, as a library would (its own `new Counter`, no duplicate registration).
    const counter = new Counter({ name: 'orders_total', help: 'h', labelNames: ['mode'], registers: [metrics.registry] });
    let text = await metrics.render();
    expect(text).toContain('orders_total{mode="auto",service="svc"} 0');
    expect(text).toContain('orders_total{mode="manual",service="svc"} 0');
    expect(text).not.toContain('not_registered_total');

    counter.inc({ mode: 'auto' }, 3);
    text = await metrics.render();
    expect(text).toContain('orders_total{mode="auto",service="svc"} 3');
    expect(text).toContain('orders_total{mode="manual",service="svc"} 0');
  });
});
