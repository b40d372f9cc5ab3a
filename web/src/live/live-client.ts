/**
 * The console's live feed client, framework-free: a browser WebSocket (or Node's
 * global one, or any constructor of the same shape) to `liveUrl`.
 *
 * Protocol (one for AWS and `npm start`):
 * - client -> `{"type":"auth","token":"<ID token>","after":"<last event id>"?}` first (again to swap in a fresh token);
 * - server -> `{"type":"ready"}`, then `{"type":"event","id","event","caseId","detail"}` for each event the caller may see;
 * - server -> `{"type":"error","status","title","detail"}` before it closes a connection it refuses
 *   (locally with close code 4401 / 4403 / 4400; API Gateway cannot send a code, hence the message).
 *
 * Reconnects with backoff and resumes with `after` = the newest id seen; the server
 * replays a little more than was missed, so events are deduplicated by id here.
 */

export interface LiveEvent {
  readonly type: 'event';
  /** Sortable: `<13-digit epoch ms>-<8 hex>`. */
  readonly id: string;
  /** The domain event type: CaseCreated, CaseUpdated, StatusChanged, Assigned, CommentAdded, CaseOffered, OfferClosed, Sla*. */
  readonly event: string;
  readonly caseId: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * - `connecting` / `reconnecting`: no connection yet, or waiting to retry;
 * - `live`: authenticated (events flow);
 * - `unauthorized`: the server refused the token; no retry until `reconnect()` (e.g. after signing in again);
 * - `closed`: `close()` was called, or the server refused a message as malformed.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'closed';

/** The part of the WebSocket API this client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface LiveClientOptions {
  readonly url: string;
  /** The current ID token; called on every (re)connect, so a refreshed token is used. */
  readonly token: () => string | Promise<string>;
  /** Resume after this event id (e.g. kept from an earlier page load). */
  readonly after?: string;
  /** Default: the global WebSocket. */
  readonly WebSocket?: SocketConstructor;
  /** First retry delay and the cap of the exponential backoff (full jitter). Default 500 ms, 30 s. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Keep-alive ping interval (API Gateway drops a connection idle for 10 minutes). Default 5 minutes. */
  readonly pingMs?: number;
}

export interface LiveClient {
  /** Called once per event id, in arrival order; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  onStatus(listener: (status: LiveStatus, reason?: string) => void): () => void;
  readonly status: LiveStatus;
  /** The newest event id seen: resume from it. */
  readonly lastEventId: string | undefined;
  /** Connect again now (after `unauthorized`, or to skip a backoff wait). */
  reconnect(): void;
  close(): void;
}

/** Application close codes the server uses for refusals that retrying cannot fix. */
const REFUSED = new Map<number, LiveStatus>([
  [4401, 'unauthorized'],
  [4403, 'unauthorized'],
  [4400, 'closed'],
]);
/** Ids remembered for deduplication: far more than a resume's overlap replays. */
const SEEN_LIMIT = 5000;
const OPEN = 1;

export function connectLive(options: LiveClientOptions): LiveClient {
  const Found = options.WebSocket ?? (globalThis as unknown as { WebSocket?: SocketConstructor }).WebSocket;
  if (!Found) throw new Error('No WebSocket implementation: pass options.WebSocket');
  const Socket: SocketConstructor = Found;
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const listeners = new Set<(event: LiveEvent) => void>();
  const statusListeners = new Set<(status: LiveStatus, reason?: string) => void>();
  const seen = new Set<string>();
  let lastEventId = options.after;
  let status: LiveStatus = 'connecting';
  let socket: SocketLike | undefined;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  const setStatus = (next: LiveStatus, reason?: string) => {
    if (next === status && reason === undefined) return;
    status = next;
    for (const listener of statusListeners) listener(next, reason);
  };

  const remember = (id: string) => {
    seen.add(id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
    if (lastEventId === undefined || id > lastEventId) lastEventId = id;
  };

  function receive(raw: unknown): void {
    let message: { type?: unknown; id?: unknown; status?: unknown; detail?: unknown };
    try {
      message = JSON.parse(typeof raw === 'string' ? raw : String(raw)) as typeof message;
    } catch {
      return;
    }
    if (message.type === 'ready') {
      attempt = 0;
      setStatus('live');
    } else if (message.type === 'event' && typeof message.id === 'string') {
      if (seen.has(message.id)) return;
      remember(message.id);
      for (const listener of listeners) listener(message as unknown as LiveEvent);
    } else if (message.type === 'error') {
      const refused = message.status === 401 || message.status === 403 ? 'unauthorized' : 'closed';
      stop(refused, typeof message.detail === 'string' ? message.detail : undefined);
    }
  }

  function stop(next: LiveStatus, reason?: string): void {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    const current = socket;
    socket = undefined;
    if (current) {
      current.onclose = null;
      current.onmessage = null;
      if (current.readyState <= OPEN) current.close(1000, 'client closed');
    }
    setStatus(next, reason);
  }

  function scheduleRetry(): void {
    if (stopped) return;
    setStatus('reconnecting');
    const delay = Math.random() * Math.min(maxMs, initialMs * 2 ** attempt);
    attempt++;
    retryTimer = setTimeout(open, delay);
  }

  async function open(): Promise<void> {
    if (stopped) return;
    clearTimeout(retryTimer);
    let token: string;
    try {
      token = await options.token();
    } catch {
      return scheduleRetry();
    }
    if (stopped) return;
    const ws = new Socket(options.url);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token, ...(lastEventId ? { after: lastEventId } : {}) }));
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (ws.readyState === OPEN) ws.send(JSON.stringify({ type: 'ping' }));
      }, options.pingMs ?? 300_000);
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onerror = () => undefined; // a close follows every error
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = undefined;
      clearInterval(pingTimer);
      const refused = REFUSED.get(event.code);
      if (refused) return setStatus(refused, event.reason);
      scheduleRetry();
    };
  }

  void open();

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    get status() {
      return status;
    },
    get lastEventId() {
      return lastEventId;
    },
    reconnect() {
      if (stopped) return;
      stop('connecting');
      attempt = 0;
      void open();
    },
    close() {
      stopped = true;
      stop('closed');
    },
  };
}
