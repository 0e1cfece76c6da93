// The months a batch may pay for, newest first: the API's window (shared/domain/values.ts:
// periodMonthsBack 24, periodMonthsAhead 1, from today in China); the API checks it again.
import { addMonths, dateInChina } from '../../../../shared/domain/clock.ts';

export const monthsBack = 24;
export const monthsAhead = 1;

export function periodOptions(now = new Date()): Array<{ value: string; label: string }> {
  const first = `${dateInChina(now).slice(0, 7)}-01`;
  return Array.from({ length: monthsBack + monthsAhead + 1 }, (_, i) => {
    const month = addMonths(first, monthsAhead - i).slice(0, 7);
    return { value: month, label: `${month.slice(0, 4)}年${month.slice(5)}月` };
  });
}

/** This month in China, YYYY-MM. */
export const currentPeriod = (now = new Date()) => dateInChina(now).slice(0, 7);
