/**
 * The live client against a scripted socket: what it sends (auth first, `after` on a
 * resume), what it passes on (each event id once), and when it gives up (a refused
 * token) or tries again (anything else). Timers are vitest's fake ones, so backoff
 * waits are stepped through, not slept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectLive, type LiveEvent, type SocketLike } from '../../web/src/live/live-client.js';

class ScriptedSocket implements SocketLike {
  static made: ScriptedSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {
    ScriptedSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const event = (id: string): LiveEvent => ({ type: 'event', id, event: 'CommentAdded', caseId: 'CASE-1', detail: {} });
const latest = () => ScriptedSocket.made.at(-1)!;
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  ScriptedSocket.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

function client(after?: string) {
  let n = 0;
  const c = connectLive({
    url: 'ws://x/live',
    token: () => `token-${++n}`,
    WebSocket: ScriptedSocket,
    ...(after ? { after } : {}),
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  const received: string[] = [];
  const statuses: string[] = [];
  c.subscribe((e) => received.push(e.id));
  c.onStatus((s) => statuses.push(s));
  return { c, received, statuses };
}

describe('live client', () => {
  it('authenticates first, passes each event on once, and resumes after the newest id with a fresh token', async () => {
    const { c, received, statuses } = client('0000000000001-00000000');
    await settle();
    latest().open();
    expect(latest().sent).toEqual([{ type: 'auth', token: 'token-1', after: '0000000000001-00000000' }]);
    latest().receive({ type: 'ready' });
    for (const id of ['0000000000003-aaaaaaaa', '0000000000002-bbbbbbbb', '0000000000003-aaaaaaaa']) latest().receive(event(id));
    expect(received).toEqual(['0000000000003-aaaaaaaa', '0000000000002-bbbbbbbb']);
    expect(c.lastEventId).toBe('0000000000003-aaaaaaaa');

    latest().drop();
    expect(statuses).toEqual(['live', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(100);
    expect(ScriptedSocket.made).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'auth', token: 'token-2', after: '0000000000003-aaaaaaaa' }]);
    // The replay overlaps what was seen: only the new one is passed on.
    for (const id of ['0000000000002-bbbbbbbb', '0000000000003-aaaaaaaa', '0000000000004-cccccccc']) latest().receive(event(id));
    latest().receive({ type: 'ready' });
    expect(received).toEqual(['0000000000003-aaaaaaaa', '0000000000002-bbbbbbbb', '0000000000004-cccccccc']);
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
    c.close();
    expect(c.status).toBe('closed');
  });

  it.each([
    [
      'an error message with status 401 (API Gateway)',
      (s: ScriptedSocket) => s.receive({ type: 'error', status: 401, title: 'Unauthorized', detail: 'the token has expired' }),
    ],
    ['close code 4401 (local)', (s: ScriptedSocket) => s.drop(4401, 'the token has expired')],
    ['close code 4403', (s: ScriptedSocket) => s.drop(4403, 'no role')],
  ])('stops on a refused token (%s) until told to reconnect', async (_what, refuse) => {
    const { c, statuses } = client();
    await settle();
    latest().open();
    refuse(latest());
    expect(c.status).toBe('unauthorized');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ScriptedSocket.made).toHaveLength(1);
    c.reconnect();
    await settle();
    expect(ScriptedSocket.made).toHaveLength(2);
    expect(statuses.at(-1)).toBe('connecting');
    c.close();
  });

  it('backs off exponentially up to the cap while the server is away', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { c } = client();
    await settle();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = ScriptedSocket.made.length;
      latest().drop();
      let waited = 0;
      while (ScriptedSocket.made.length === before) {
        await vi.advanceTimersByTimeAsync(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
    random.mockRestore();
    c.close();
  });
});
