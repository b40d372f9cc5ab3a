import { describe, expect, it } from 'vitest';
import { LocalTimerStarter, type TimerRequest } from '../../functions/adapters/timers.js';

describe('local timers', () => {
  it('fire once per name, and never after stop', async () => {
    const fired: string[] = [];
    const timers = new LocalTimerStarter((t: TimerRequest) => void fired.push(t.name));
    const soon = () => new Date(Date.now() + 5);
    await timers.start({ name: 'a', fireAt: soon(), input: {} });
    await timers.start({ name: 'a', fireAt: soon(), input: {} });
    await timers.start({ name: 'b', fireAt: soon(), input: {} });
    await timers.stop('b');
    expect(timers.running()).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(['a']);
    expect(timers.running()).toEqual([]);
  });
});
