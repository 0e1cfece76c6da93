// The bureau works on China Standard Time: "today" is the date in Asia/Shanghai.
//
// Since 1992 that zone is UTC+8 all year (its summer time ran 1986-1991; tz database), so an
// instant from then on is shifted by the fixed offset: no Intl formatter at import, where building
// one for the zone cost about 35 ms of CPU in every bundle (bench:cold-start's module probe, issue 14).
// Earlier or far-future instants go through Intl, built on first use.
const chinaOffsetMs = 8 * 60 * 60 * 1000;
const fixedOffsetFrom = Date.UTC(1991, 11, 31, 16); // 1992-01-01 00:00 in China
const fixedOffsetUntil = Date.UTC(9999, 11, 31, 16); // toISOString's four-digit years

/** The instant's China wall clock as an ISO string (its UTC fields are China's), or undefined outside the fixed-offset years. */
function chinaWallClock(instant: Date): string | undefined {
  const time = instant.getTime();
  return time >= fixedOffsetFrom && time < fixedOffsetUntil ? new Date(time + chinaOffsetMs).toISOString() : undefined;
}

let chinaDate: Intl.DateTimeFormat | undefined;

/** The date in China (YYYY-MM-DD) at `instant`. Throws a RangeError on an invalid Date. */
export function dateInChina(instant: Date): string {
  const wallClock = chinaWallClock(instant);
  if (wallClock !== undefined) return wallClock.slice(0, 10);
  chinaDate ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
  return chinaDate.format(instant);
}

// Calendar arithmetic on YYYY-MM-DD dates (no time zone involved: the date is already China's).
function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function addDays(date: string, days: number): string {
  const d = utcDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Same day `months` later, or the month's last day when it has no such day (01-31 + 1 → 02-28). */
export function addMonths(date: string, months: number): string {
  const d = utcDate(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whole years from `birthDate` to `on` (a birthday on 02-29 comes on 03-01 in other years). */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written `YYYY-MM-DD` (2022-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

let chinaMinute: Intl.DateTimeFormat | undefined;

/**
 * An instant (ISO 8601 with offset, or a Date) as China's wall clock, "YYYY-MM-DD HH:mm", whatever
 * the time zone of the machine or browser that runs it. Throws on an unparseable instant.
 */
export function instantInChina(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`instantInChina: not an instant: ${String(instant)}`);
  const wallClock = chinaWallClock(date);
  if (wallClock !== undefined) return `${wallClock.slice(0, 10)} ${wallClock.slice(11, 16)}`;
  chinaMinute ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(chinaMinute.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
