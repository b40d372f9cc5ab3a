import { useEffect, useState } from 'react';
import type { Case } from '../../api/types';
import { formatDuration, slaState } from './sla';
import { text } from './text';

/** Re-renders every `ms` so countdowns move. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

const TONE_CLASS = { ok: '', warn: 'warn', breach: 'bad', paused: '' } as const;

export function SlaBadge({ sla }: { sla: Case['sla'] | undefined }) {
  const now = useNow();
  const state = slaState(sla?.clocks, now);
  if (!state) return null;
  const clock = text.sla.clock[state.clock] ?? state.clock;
  const words =
    state.tone === 'paused'
      ? text.sla.paused
      : state.tone === 'breach'
        ? text.sla.breach(formatDuration(Math.min(0, state.remainingMs ?? 0)))
        : text.sla[state.tone](formatDuration(state.remainingMs ?? 0));
  return (
    <span className={`badge ${TONE_CLASS[state.tone]}`} data-testid="sla-badge" data-tone={state.tone} title={clock}>
      {words}
      <span className="visually-hidden"> ({clock})</span>
    </span>
  );
}
