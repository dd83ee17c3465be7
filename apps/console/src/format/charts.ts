/**
 * ECharts options for the report charts, built from the API's figures by pure functions (tested without a canvas).
 * Money axes are in 元; the API's figures are integer fen.
 */
export function incomeByMonthOption(items: ReadonlyArray<{ period: string; amountFen: number; count: number }>) {
  return {
    title: { text: '到账金额（按月）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2)} 元` },
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: items.map((i) => i.period) },
    yAxis: { type: 'value', name: '元' },
    series: [{ type: 'bar', name: '到账金额', data: items.map((i) => i.amountFen / 100), itemStyle: { color: '#9e1b1b' } }],
  };
}

export function matchRateOption(items: ReadonlyArray<{ filename: string; uploadedAt: string; auto: number; manual: number; open: number; setAside: number }>) {
  const rows = [...items].reverse();
  const series = (name: string, key: 'auto' | 'manual' | 'open' | 'setAside', color: string) => ({ type: 'bar', stack: 'all', name, data: rows.map((r) => r[key]), itemStyle: { color } });
  return {
    title: { text: '每份流水的匹配情况（笔）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 80 },
    // One label per statement (its import time); the file name is in the tooltip and the table below.
    xAxis: { type: 'category', data: rows.map((r) => r.uploadedAt.slice(5)), axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
    yAxis: { type: 'value' },
    series: [series('自动匹配', 'auto', '#18794e'), series('人工匹配', 'manual', '#2f6fb3'), series('未处理', 'open', '#b42318'), series('非会费款项', 'setAside', '#909399')],
  };
}

export function receivablesByAgeOption(items: ReadonlyArray<{ bucket: string; count: number; outstandingFen: number }>) {
  return {
    title: { text: '应收会费账龄分布（元）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item', formatter: '{b}：{c} 元（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['35%', '65%'], data: items.filter((i) => i.outstandingFen > 0).map((i) => ({ name: i.bucket, value: i.outstandingFen / 100 })) }],
  };
}

/** Match rate of one statement in per cent (auto + manual of all credits), for the table beside the chart. */
export const matchPercent = (r: { auto: number; manual: number; open: number; setAside: number }): number => {
  const dues = r.auto + r.manual + r.open;
  return dues === 0 ? 100 : Math.round(((r.auto + r.manual) / dues) * 100);
};
