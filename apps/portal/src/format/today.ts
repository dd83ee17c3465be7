/** Today's calendar date in Asia/Shanghai (YYYY-MM-DD), whatever the visitor's computer zone. */
export function shanghaiToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
