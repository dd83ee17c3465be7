/** "Now" for reports, injectable so tests can stand at 00:30 Shanghai time. */
export const REPORT_CLOCK = Symbol('REPORT_CLOCK');
export type ReportClock = () => Date;
export const systemClock: ReportClock = () => new Date();
