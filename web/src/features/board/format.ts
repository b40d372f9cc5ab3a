/** Dates and durations in the viewer's own locale and time zone (Intl picks both up from the browser). */
import { formatDateTime as dateTime } from '../../lib/dates.js';

/** The board shows a dash where there is no date, so its columns keep their shape. */
export const formatDateTime = (iso: string | null | undefined): string => (iso ? dateTime(iso) : '—');

const units = (unit: 'day' | 'hour' | 'minute') => new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'narrow' });
const day = units('day');
const hour = units('hour');
const minute = units('minute');

/** How long ago, the two largest units: "2d 3h", "45m". */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${day.format(d)} ${hour.format(h)}` : day.format(d);
  if (h > 0) return m > 0 ? `${hour.format(h)} ${minute.format(m)}` : hour.format(h);
  return minute.format(m);
}
