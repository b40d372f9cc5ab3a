/** The live feed's state in the header: a polite live region, so a drop and a recovery are announced once each, not shouted. */
import { useLiveStatus } from '../live';
import { text } from '../text';

export function LiveIndicator() {
  const status = useLiveStatus();
  // Without a live feed the console polls, and there is nothing to tell.
  if (status === 'off') return null;
  return (
    <span className="live-status" data-testid="live-status" data-status={status} role="status" aria-live="polite">
      <span className="live-dot" aria-hidden="true" />
      <span className="visually-hidden">{text.live.label}: </span>
      {text.live[status]}
    </span>
  );
}
