/**
 * Every Caseway Lambda, declared once: its handler, what invokes it, and what it
 * may touch. CDK (`lib/constructs/function-resources.ts`) derives each function's
 * grants and environment from `uses`; the local platform (`lib/local/function-loader.ts`)
 * gives each handler exactly the settings its `uses` bring (`function-environment.ts`).
 * The constructs and the local stand-ins make the triggers (routes, rules, stream
 * mappings, the state machine's tasks) from `trigger`. Pure data: no CDK or AWS imports.
 *
 * The key is the handler's file name: `functions/handlers/<key>.ts`, exporting `handler`.
 */
import { LIVE_EVENT_PREFIXES, LIVE_EVENT_TYPES } from '#core/live.js';

/** An EventBridge event pattern, as JSON (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = Readonly<Record<string, unknown>>;

/** Which of the table's stream records reach a consumer (Lambda filter criteria on the keys). */
export interface StreamFilter {
  readonly partitionKeyPrefix: string;
  /** Records pass when the sort key equals one of these or starts with one of the prefixes. */
  readonly sortKeys: readonly string[];
  readonly sortKeyPrefixes: readonly string[];
}

/** What invokes a function. */
export type Trigger =
  /** Routes of the HTTP API (`routes.ts`) name it; `$default` too for the fallback. */
  | { readonly kind: 'http' }
  /** A rule on Caseway's bus, named `rule` (it names the rule, its dead-letter queue and alarm). */
  | { readonly kind: 'eventRule'; readonly rule: string; readonly pattern: EventPattern }
  /** The case table's stream; `filter` where it is topology (the outbox's filter is its construct's own). */
  | { readonly kind: 'stream'; readonly filter?: StreamFilter }
  /** A Task state of a state machine (`state-machines.ts`), whose ARN fills `substitution` in the ASL. */
  | { readonly kind: 'stateMachineTask'; readonly machine: 'slaClock'; readonly state: string; readonly substitution: string }
  /** An EventBridge schedule. */
  | { readonly kind: 'schedule' }
  /** The routes of the live WebSocket API (`live.ts`). */
  | { readonly kind: 'websocket' }
  /** The IoT Core topic rule devices publish signals through. */
  | { readonly kind: 'iotRule' }
  /** Objects SES stores in the inbound-mail bucket (S3 -> EventBridge). */
  | { readonly kind: 'inboundMail' };

/**
 * What a function may touch, and how. Each entry brings its settings
 * (`function-environment.ts`) and, in AWS, exactly its grants; nothing else does.
 */
export interface Uses {
  /**
   * The case table. `name`: only its name, no access: the HTTP layer and the event consumers
   * validate the whole configuration at cold start, which names the table.
   */
  readonly table?: 'name' | 'read' | 'readWrite';
  /** Append to the read-access log (puts under `READS#` only), beside a `read` of the table. */
  readonly readLog?: 'append';
  /** Caseway's bus. `name`: only its name; `put`: put events on it. */
  readonly bus?: 'name' | 'put';
  /** The attachment store: signs upload and download URLs, and reads what arrived. */
  readonly files?: 'readWrite';
  /** The bucket SES stores inbound mail in: reads the raw messages under its prefix. */
  readonly inboundMail?: 'read';
  /** The key listing cursors are sealed with: every function that reads pages of a listing. */
  readonly cursorKey?: 'read';
  /** The knowledge search index. */
  readonly search?: 'read' | 'write';
  /** Starts and stops executions of the SLA clock state machine. */
  readonly slaTimers?: 'startStop';
  /** Pushes to the live WebSocket connections. */
  readonly live?: 'push';
  /** Verifies ID tokens itself (no authorizer in front of it). */
  readonly tokens?: 'verify';
  /** Who the caller is: `rolesClaim` names the claim only; `caller` adds the group -> role and team mappings. */
  readonly identity?: 'rolesClaim' | 'caller';
  /** Sends email (SES in AWS, the outbox locally). */
  readonly email?: 'send';
}

export interface FunctionDeclaration {
  readonly description: string;
  readonly trigger: Trigger;
  readonly uses: Uses;
  /** Seconds; default 10 (API handlers sit behind API Gateway's 30 s and should finish well before it). */
  readonly timeoutSeconds?: number;
  /** MB; default 512. */
  readonly memoryMb?: number;
}

/** Every HTTP function: the caller's identity and, through the HTTP layer's configuration, the table's name. */
const http = { trigger: { kind: 'http' }, uses: { table: 'name', identity: 'caller' } } as const satisfies Pick<
  FunctionDeclaration,
  'trigger' | 'uses'
>;
/** Reads cases for a caller: every read of a restricted case is logged first. */
const reads = { table: 'read', readLog: 'append' } as const;
/** What every bus consumer is given beside its own needs. */
const consumer = { table: 'name', bus: 'name', identity: 'rolesClaim' } as const;

export const functionRegistry = {
  // The HTTP API (routes in route-table.ts).
  'cases-create': { ...http, description: 'Create a case (idempotent)', uses: { ...http.uses, table: 'readWrite' } },
  'cases-get': { ...http, description: 'Read one case', uses: { ...http.uses, ...reads } },
  'cases-list': { ...http, description: 'List cases by status, owner or requester', uses: { ...http.uses, ...reads, cursorKey: 'read' } },
  'cases-update': { ...http, description: 'Partial update with If-Match', uses: { ...http.uses, table: 'readWrite' } },
  'comments-add': { ...http, description: 'Add a public or internal comment', uses: { ...http.uses, table: 'readWrite' } },
  'comments-list': { ...http, description: 'List the comments of a case', uses: { ...http.uses, ...reads, cursorKey: 'read' } },
  'cases-history': {
    ...http,
    description: 'Audit history of a case, its verification, and the read-access log',
    uses: { ...http.uses, ...reads, cursorKey: 'read' },
  },
  'case-workflow': {
    ...http,
    description: 'Workflow transitions of a case, and migration to newer type versions',
    uses: { ...http.uses, table: 'readWrite' },
  },
  'case-tasks': {
    ...http,
    description: 'Tasks of a case, and open tasks by assignee',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  'cases-bulk': {
    ...http,
    description: 'Import cases from CSV or JSON Lines, export a filtered set',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  'case-attachments': {
    ...http,
    description: 'Attachments of a case: upload and download URLs, confirmation, versions',
    uses: { ...http.uses, table: 'readWrite', files: 'readWrite', cursorKey: 'read' },
  },
  'case-types': { ...http, description: 'Case types: versions, intake forms and workflows', uses: { ...http.uses, table: 'readWrite' } },
  openapi: { ...http, description: 'Serve the OpenAPI 3.1 document' },
  fallback: { ...http, description: 'Problem responses for unknown routes (404) and wrong methods (405)' },
  'case-links': {
    ...http,
    description: 'Links between cases, parent and child, and merging duplicates',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  // The brief reads the first page of the case's tasks, which seals a cursor when there are more.
  'case-handoff': {
    ...http,
    description: 'The handoff brief of a case: read and edit',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  'knowledge-articles': {
    ...http,
    description: 'Knowledge articles: versions, lifecycle, links to cases, suggestion feedback',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  'knowledge-search': {
    ...http,
    description: 'Knowledge search, case suggestions and deflection',
    uses: { ...http.uses, ...reads, search: 'read' },
  },
  'event-schemas': { ...http, description: 'JSON Schemas of the domain events on the bus, for partners' },
  notifications: { ...http, description: 'Messages sent about a case (staff)', uses: { ...http.uses, ...reads, cursorKey: 'read' } },
  'sla-admin': {
    ...http,
    description: 'SLA business calendars and policies (versioned), and entitlements',
    uses: { ...http.uses, table: 'readWrite' },
  },
  assets: {
    ...http,
    description: 'Monitored assets: owner, entitlement, thresholds, anomaly settings',
    uses: { ...http.uses, table: 'readWrite', cursorKey: 'read' },
  },
  'device-signals': {
    ...http,
    description: 'Device signals: open, append to and resolve proactive cases',
    uses: { ...http.uses, table: 'readWrite' },
  },
  channels: {
    ...http,
    description: 'Channel intake: raw email, chat and social messages (integration role)',
    // Files an email carries become the case's attachments; it pages the case's attachments to spot
    // a redelivered email's files (services/email-attachments.ts).
    uses: { ...http.uses, table: 'readWrite', files: 'readWrite', cursorKey: 'read' },
  },
  routing: { ...http, description: 'Routing rules, queues, agents, presence and offers', uses: { ...http.uses, table: 'readWrite' } },

  // Consumers of Caseway's bus: one rule each, in this order.
  'notification-sender': {
    description: "Send the message a transition's notify effect asks for, and record it beside the case",
    trigger: { kind: 'eventRule', rule: 'notification-sender', pattern: { source: ['caseway.cases'], 'detail-type': ['NotificationRequested'] } },
    uses: { ...consumer, table: 'readWrite', email: 'send' },
  },
  'device-events': {
    description: 'Device signals put on the bus (source caseway.devices) open, append to and resolve proactive cases',
    trigger: { kind: 'eventRule', rule: 'device-signals', pattern: { source: ['caseway.devices'] } },
    uses: { ...consumer, table: 'readWrite' },
  },
  'intake-ack': {
    description: 'Acknowledge a case a person opened (or a repeat that joined their open case) with its number and response target',
    trigger: {
      kind: 'eventRule',
      rule: 'intake-acknowledgement',
      pattern: {
        source: ['caseway.cases'],
        'detail-type': ['CaseCreated', 'DuplicateIntake'],
        detail: { channel: ['email', 'chat', 'social', 'web', 'partner'] },
      },
    },
    uses: { ...consumer, table: 'readWrite', email: 'send' },
  },
  'channel-events': {
    description: 'Chat and social messages that connectors put on the bus: the same intake as POST /channels/messages',
    trigger: { kind: 'eventRule', rule: 'channel-messages', pattern: { source: ['caseway.channels'], 'detail-type': ['ChannelMessage'] } },
    uses: { ...consumer, table: 'readWrite' },
  },
  'sla-arming': {
    description:
      'Arms and disarms SLA timers: one Step Functions execution per armed clock generation, on every SLA change and status change of a case.',
    trigger: {
      kind: 'eventRule',
      rule: 'sla-timer-arming',
      pattern: { source: ['caseway.cases'], 'detail-type': [{ prefix: 'Sla' }, 'StatusChanged'] },
    },
    uses: { ...consumer, table: 'read', slaTimers: 'startStop' },
  },
  'routing-consumer': {
    description: 'Route cases when they arrive or change, and free agent capacity when they are resolved, closed or reassigned',
    trigger: {
      kind: 'eventRule',
      rule: 'routing',
      pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned'] },
    },
    uses: { ...consumer, table: 'readWrite' },
  },
  'live-fanout': {
    description: 'Push offers, new cases, SLA changes and comments to the console connections that may see them, and log them for resuming clients',
    trigger: {
      kind: 'eventRule',
      rule: 'live-updates',
      pattern: { source: ['caseway.cases'], 'detail-type': [...LIVE_EVENT_TYPES, ...LIVE_EVENT_PREFIXES.map((prefix) => ({ prefix }))] },
    },
    uses: { ...consumer, table: 'readWrite', live: 'push' },
  },

  // The table's stream.
  'outbox-publisher': {
    description: 'Outbox publisher: audit items from the case table stream -> domain events on EventBridge',
    trigger: { kind: 'stream' },
    uses: { bus: 'put' },
  },
  'knowledge-indexer': {
    description: 'Keep the knowledge search index in step with articles and what linked cases teach them',
    trigger: { kind: 'stream', filter: { partitionKeyPrefix: 'ARTICLE#', sortKeys: ['#ARTICLE'], sortKeyPrefixes: ['LEARNED#'] } },
    // It re-reads each article and its learned texts, consistently; it never writes the table.
    uses: { table: 'read', search: 'write' },
    // A stream batch takes a second or two; a rebuild of a large knowledge base takes minutes.
    timeoutSeconds: 300,
  },

  // The rest: a state machine's task, a schedule, the live WebSocket, devices and inbound mail.
  'sla-timer': {
    description: 're-reads the case and warns, breaches or escalates if still owed',
    trigger: { kind: 'stateMachineTask', machine: 'slaClock', state: 'CheckStep', substitution: 'SlaCheckFunctionArn' },
    uses: { table: 'readWrite' },
  },
  'routing-sweep': {
    description: 'Routing sweep: expired offers back to their queue, overflow, optional skills, then offers',
    trigger: { kind: 'schedule' },
    uses: { table: 'readWrite' },
  },
  'live-connect': {
    description: "The console's live feed: accepts WebSocket connections, authenticates them with an ID token, replays what a resuming client missed",
    trigger: { kind: 'websocket' },
    uses: { table: 'readWrite', identity: 'caller', tokens: 'verify', live: 'push' },
  },
  'device-ingest': {
    description: 'Device signals from the IoT Core rule: open, append to and resolve proactive cases',
    trigger: { kind: 'iotRule' },
    uses: { table: 'readWrite' },
  },
  'email-inbound': {
    description: 'Inbound email: a message SES stored in S3 -> the intake service',
    trigger: { kind: 'inboundMail' },
    uses: { table: 'readWrite', inboundMail: 'read', files: 'readWrite', cursorKey: 'read' },
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type RegisteredFunction = keyof typeof functionRegistry;

/** The handler file of a registered function, relative to the repository root. */
export const entryOf = (name: RegisteredFunction): string => `functions/handlers/${name}.ts`;

/** The registered functions `trigger` of kind `kind` invokes, in declaration order. */
export function functionsTriggeredBy<K extends Trigger['kind']>(
  kind: K,
): { name: RegisteredFunction; declaration: FunctionDeclaration & { trigger: Extract<Trigger, { kind: K }> } }[] {
  return (Object.entries(functionRegistry) as [RegisteredFunction, FunctionDeclaration][])
    .filter(([, declaration]) => declaration.trigger.kind === kind)
    .map(([name, declaration]) => ({ name, declaration: declaration as FunctionDeclaration & { trigger: Extract<Trigger, { kind: K }> } }));
}

/** Table access as the older specs spell it (`none` for a function that knows only the name). */
export const tableAccessOf = (uses: Uses): 'none' | 'read' | 'readWrite' =>
  uses.table === 'read' || uses.table === 'readWrite' ? uses.table : 'none';
