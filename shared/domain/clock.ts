// The bureau works on China Standard Time: "today" is the date in Asia/Shanghai.
const chinaDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function dateInChina(instant: Date): string {
  return chinaDate.format(instant);
}
