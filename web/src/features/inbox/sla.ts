/**
 * The state of a case's SLA as a badge shows it, from the clocks the API returns: the
 * earliest-due running clock counts down to its dueAt (an instant the API computed in
 * business time, so the countdown is business time's deadline), amber from its warnAt, red
 * once breached (by the API's word, or because dueAt has passed). Pure: no imports, no clock.
 */
export interface ClockLike {
  readonly status: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
  readonly warnAt: string | null;
  readonly dueAt: string | null;
  readonly breachedAt: string | null;
}

export type SlaTone = 'ok' | 'warn' | 'breach' | 'paused';

export interface SlaState {
  readonly tone: SlaTone;
  readonly clock: string;
  /** Milliseconds to the deadline (negative: past it); undefined when paused. */
  readonly remainingMs: number | undefined;
}

export function slaState(clocks: Readonly<Record<string, ClockLike | undefined>> | undefined, now: number): SlaState | undefined {
  const live = Object.entries(clocks ?? {}).filter(
    (entry): entry is [string, ClockLike] =>
      entry[1] !== undefined && (entry[1].status === 'running' || entry[1].status === 'breached' || entry[1].status === 'paused'),
  );
  if (live.length === 0) return undefined;
  const breached = live.find(
    ([, clock]) => clock.status === 'breached' || (clock.status === 'running' && clock.dueAt !== null && Date.parse(clock.dueAt) <= now),
  );
  if (breached) return { tone: 'breach', clock: breached[0], remainingMs: breached[1].dueAt ? Date.parse(breached[1].dueAt) - now : undefined };
  const running = live
    .filter(([, clock]) => clock.status === 'running' && clock.dueAt !== null)
    .sort((a, b) => Date.parse(a[1].dueAt!) - Date.parse(b[1].dueAt!));
  const next = running[0];
  if (!next) return { tone: 'paused', clock: live[0]![0], remainingMs: undefined };
  const [name, clock] = next;
  const remainingMs = Date.parse(clock.dueAt!) - now;
  return { tone: clock.warnAt !== null && Date.parse(clock.warnAt) <= now ? 'warn' : 'ok', clock: name, remainingMs };
}

/** "2 h 05 min", "3 d 4 h", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}
