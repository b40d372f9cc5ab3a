/** Routing rules: the ruleset in force, a draft of the next one to publish, and a tester that shows which rule fires and why. */
import { useId, useState, type FormEvent } from 'react';
import { evaluateRules } from '../../../../functions/core/routing/rule-engine';
import { decide, routingFacts, type RoutingDecision, type RoutingFacts, type RoutingRule } from '../../../../functions/core/routing/rules';
import type { Case as CoreCase } from '../../../../functions/core/case';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../board/format';
import { useCase, useCaseTypes, usePublishRules, useRoutingHistory, useRoutingRules, type RoutingRules, type RoutingRulesInput } from './api';
import { text } from './text';

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
const CHANNELS = ['web', 'email', 'chat', 'social', 'phone', 'partner', 'iot', 'api'] as const;
const CATEGORIES = ['active', 'waiting', 'resolved', 'closed'] as const;

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function describeCondition(condition: unknown): string {
  const c = condition as Record<string, unknown>;
  if (Array.isArray(c.all)) return c.all.map(describeCondition).join(' and ');
  if (Array.isArray(c.any)) return `(${c.any.map(describeCondition).join(' or ')})`;
  if (c.not) return `not (${describeCondition(c.not)})`;
  return `${String(c.fact)}${c.path ? ` ${String(c.path)}` : ''} ${String(c.operator)} ${show(c.value)}`;
}

function describeActions(then: RoutingRule['then']): string {
  return Object.entries(then)
    .map(([k, v]) =>
      k === 'skills' && Array.isArray(v)
        ? `skills ${v.map((s: { skill: string; level: number; optional?: boolean }) => `${s.skill}≥${s.level}${s.optional ? ' (optional)' : ''}`).join(', ')}`
        : `${k} ${show(v)}`,
    )
    .join('; ');
}

function RulesTable({ ruleset }: { ruleset: RoutingRules }) {
  return (
    <>
      <p>
        {text.routing.version(ruleset.version)} — {formatDateTime(ruleset.publishedAt)}, {ruleset.publishedBy}.{' '}
        {ruleset.defaultQueue ? (
          <>
            {text.routing.defaultQueue}: <code>{ruleset.defaultQueue}</code>
          </>
        ) : null}
      </p>
      <table className="responsive" data-testid="routing-rules">
        <caption className="visually-hidden">{text.routing.rulesCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{text.routing.rule}</th>
            <th scope="col">{text.routing.when}</th>
            <th scope="col">{text.routing.then}</th>
            <th scope="col">{text.routing.stops}</th>
          </tr>
        </thead>
        <tbody>
          {ruleset.rules.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <code>{r.id}</code>
                {r.description ? <div className="muted">{r.description}</div> : null}
              </th>
              <td>{describeCondition(r.when)}</td>
              <td>{describeActions(r.then)}</td>
              <td>{(r.stop ?? true) ? text.common.yes : text.common.no}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const EXAMPLE: RoutingRulesInput = {
  defaultQueue: 'general',
  rules: [{ id: 'support-web', when: { all: [{ fact: 'type', operator: 'equal', value: 'support' }] }, then: { queue: 'general' } }],
};

function draftOf(ruleset: RoutingRules | undefined): string {
  if (!ruleset) return JSON.stringify(EXAMPLE, null, 2);
  return JSON.stringify({ ...(ruleset.defaultQueue ? { defaultQueue: ruleset.defaultQueue } : {}), rules: ruleset.rules }, null, 2);
}

function Draft({
  current,
  draft,
  setDraft,
  etag,
  onPublished,
}: {
  current: RoutingRules | undefined;
  draft: string;
  setDraft: (d: string) => void;
  etag: string | null;
  onPublished: (message: string) => void;
}) {
  const id = useId();
  const publish = usePublishRules();
  const [jsonError, setJsonError] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    let body: RoutingRulesInput;
    try {
      body = JSON.parse(draft) as RoutingRulesInput;
    } catch (error) {
      setJsonError(text.common.invalidJson(error instanceof Error ? error.message : String(error)));
      return;
    }
    setJsonError('');
    publish.mutate({ body, ifMatch: etag }, { onSuccess: (r) => onPublished(text.routing.published(r.version)) });
  }
  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id}>{text.routing.draftLabel}</label>
        <textarea
          id={id}
          className="code"
          spellCheck={false}
          rows={14}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={jsonError ? true : undefined}
          aria-describedby={jsonError ? `${id}-error` : undefined}
        />
        {jsonError ? (
          <p className="field-error" id={`${id}-error`}>
            {jsonError}
          </p>
        ) : null}
      </div>
      {publish.error ? <ErrorState error={publish.error} /> : null}
      <div className="row">
        <button type="submit" disabled={publish.isPending}>
          {publish.isPending ? text.common.publishing : text.routing.publish}
        </button>
        <button type="button" className="secondary" onClick={() => setDraft(draftOf(current))}>
          {text.caseTypes.reset}
        </button>
      </div>
    </form>
  );
}

interface FactsForm {
  type: string;
  priority: string;
  channel: string;
  queue: string;
  status: string;
  statusCategory: string;
  requesterId: string;
  entitlementLevel: string;
  vip: boolean;
  fields: string;
}

const BLANK: FactsForm = {
  type: 'support',
  priority: 'medium',
  channel: 'web',
  queue: '',
  status: 'new',
  statusCategory: 'active',
  requesterId: '',
  entitlementLevel: '',
  vip: false,
  fields: '{}',
};

function formOf(facts: RoutingFacts): FactsForm {
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    type: s(facts.type),
    priority: s(facts.priority),
    channel: s(facts.channel),
    queue: s(facts.queue),
    status: s(facts.status),
    statusCategory: s(facts.statusCategory),
    requesterId: s(facts.requesterId),
    entitlementLevel: s(facts.entitlementLevel),
    vip: facts.vip === true,
    fields: JSON.stringify(facts.fields ?? {}, null, 2),
  };
}

function TextFact({ name, form, set, list }: { name: keyof FactsForm; form: FactsForm; set: (f: FactsForm) => void; list?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{text.facts[name]}</label>
      <input id={id} value={String(form[name])} list={list} onChange={(e) => set({ ...form, [name]: e.target.value })} />
    </div>
  );
}

function SelectFact({
  name,
  form,
  set,
  options,
}: {
  name: keyof FactsForm;
  form: FactsForm;
  set: (f: FactsForm) => void;
  options: readonly string[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{text.facts[name]}</label>
      <select id={id} value={String(form[name])} onChange={(e) => set({ ...form, [name]: e.target.value })}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function Result({ decision, rules }: { decision: RoutingDecision; rules: readonly RoutingRule[] }) {
  const winner = decision.fired.find((f) => f.ruleId === decision.stoppedAt) ?? decision.fired.at(-1);
  const firedIds = new Set(decision.fired.map((f) => f.ruleId));
  const { queue, priority, skills } = decision.actions;
  return (
    <section className="panel" aria-live="polite" data-testid="tester-result">
      <h4>{text.routing.result}</h4>
      {winner ? (
        <>
          <p className="state-title" data-testid="fired-rule">
            {text.routing.fired(winner.ruleId)}
          </p>
          <p>{text.routing.why}:</p>
          <ul data-testid="why">
            {winner.matched.map((m, i) => (
              <li key={i}>{text.routing.held(`${m.fact}${m.path ? ` ${m.path}` : ''}`, m.operator, show(m.value), show(m.factValue))}</li>
            ))}
          </ul>
          {decision.fired.length > 1 ? (
            <p>
              {text.routing.alsoFired}:{' '}
              {decision.fired
                .filter((f) => f !== winner)
                .map((f) => f.ruleId)
                .join(', ')}
            </p>
          ) : null}
        </>
      ) : (
        <p className="state-title" data-testid="fired-rule">
          {text.routing.noneFired}
        </p>
      )}
      <p>
        {text.routing.outcome}: {text.routing.outcomeLine(queue, priority, skills.map((s) => `${s.skill}≥${s.level}`).join(', '))}
      </p>
      {rules.some((r) => !firedIds.has(r.id)) ? (
        <p className="muted">
          {text.routing.notFired}:{' '}
          {rules
            .filter((r) => !firedIds.has(r.id))
            .map((r) => r.id)
            .join(', ')}
        </p>
      ) : null}
    </section>
  );
}

function Recorded({ caseId }: { caseId: string }) {
  const history = useRoutingHistory(caseId);
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorState error={history.error} />;
  return (
    <section>
      <h4>{text.routing.recorded}</h4>
      {history.data.length === 0 ? (
        <Empty title={text.routing.recordedNone} />
      ) : (
        <ul>
          {history.data.map((e) => {
            const r = e.routing as { rulesetVersion?: number | null; stoppedAt?: string | null; why?: string; outcome?: string; step: string };
            return (
              <li key={e.eventId}>
                {text.routing.recordedLine(
                  formatDateTime(e.at),
                  String(r.rulesetVersion ?? '—'),
                  r.why ?? (r.stoppedAt ? text.routing.fired(r.stoppedAt) : r.step),
                )}
                {r.outcome ? <span className="muted"> ({r.outcome})</span> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Tester({ published, draft }: { published: RoutingRules | undefined; draft: string }) {
  const id = useId();
  const types = useCaseTypes();
  const [against, setAgainst] = useState<'published' | 'draft'>(published ? 'published' : 'draft');
  const [form, setForm] = useState<FactsForm>(BLANK);
  const [caseId, setCaseId] = useState('');
  const [loadId, setLoadId] = useState<string | undefined>();
  const loaded = useCase(loadId);
  const [loadedFor, setLoadedFor] = useState<string | undefined>();
  const [result, setResult] = useState<{ decision: RoutingDecision; rules: readonly RoutingRule[] } | undefined>();
  const [problem, setProblem] = useState('');

  if (loaded.data && loadedFor !== loaded.data.caseId) {
    setLoadedFor(loaded.data.caseId);
    setForm(formOf(routingFacts(loaded.data as unknown as CoreCase)));
  }

  async function run(event: FormEvent) {
    event.preventDefault();
    setProblem('');
    let ruleset: Pick<RoutingRules, 'rules' | 'defaultQueue'> & { version: number | null };
    let fields: Record<string, never>;
    try {
      ruleset = against === 'published' && published ? published : { ...(JSON.parse(draft) as RoutingRulesInput), version: null };
      fields = JSON.parse(form.fields || '{}') as Record<string, never>;
    } catch (error) {
      setProblem(text.common.invalidJson(error instanceof Error ? error.message : String(error)));
      return;
    }
    const facts: RoutingFacts = {
      type: form.type,
      priority: form.priority,
      channel: form.channel,
      queue: form.queue,
      status: form.status,
      statusCategory: form.statusCategory,
      requesterId: form.requesterId,
      entitlementLevel: form.entitlementLevel || null,
      vip: form.vip,
      fields,
    };
    const rules = ruleset.rules as unknown as RoutingRule[];
    try {
      const outcomes = await evaluateRules(rules, facts);
      setResult({
        decision: decide(
          { ...ruleset, rules },
          outcomes,
          facts,
          { queue: form.queue, priority: form.priority as (typeof PRIORITIES)[number] },
          'tester',
        ),
        rules,
      });
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <>
      <p className="muted">{text.routing.testerIntro}</p>
      <div className="field">
        <label htmlFor={`${id}-case`}>{text.routing.fromCase}</label>
        <p className="help" id={`${id}-case-help`}>
          {text.routing.fromCaseHelp}
        </p>
        <div className="row">
          <input
            id={`${id}-case`}
            aria-describedby={`${id}-case-help`}
            value={caseId}
            onChange={(e) => setCaseId(e.target.value.trim())}
            style={{ maxWidth: '20rem' }}
          />
          <button type="button" className="secondary" onClick={() => setLoadId(caseId || undefined)} disabled={!caseId}>
            {text.routing.load}
          </button>
        </div>
        {loaded.isFetching ? <Loading /> : null}
        {loaded.error ? <ErrorState error={loaded.error} /> : null}
      </div>
      {loadId && loaded.data ? <Recorded caseId={loadId} /> : null}
      <form onSubmit={(e) => void run(e)} noValidate>
        <fieldset>
          <legend>{text.routing.testAgainst}</legend>
          <label className="inline">
            <input
              type="radio"
              name={`${id}-against`}
              checked={against === 'published'}
              disabled={!published}
              onChange={() => setAgainst('published')}
            />{' '}
            {text.routing.testPublished}
          </label>
          <label className="inline">
            <input type="radio" name={`${id}-against`} checked={against === 'draft'} onChange={() => setAgainst('draft')} /> {text.routing.testDraft}
          </label>
        </fieldset>
        <fieldset>
          <legend>{text.routing.facts}</legend>
          <div className="facts-grid">
            <datalist id={`${id}-types`}>
              {types.data?.map((t) => (
                <option key={t.typeId} value={t.typeId} />
              ))}
            </datalist>
            <TextFact name="type" form={form} set={setForm} list={`${id}-types`} />
            <SelectFact name="priority" form={form} set={setForm} options={PRIORITIES} />
            <SelectFact name="channel" form={form} set={setForm} options={CHANNELS} />
            <TextFact name="queue" form={form} set={setForm} />
            <TextFact name="status" form={form} set={setForm} />
            <SelectFact name="statusCategory" form={form} set={setForm} options={CATEGORIES} />
            <TextFact name="requesterId" form={form} set={setForm} />
            <TextFact name="entitlementLevel" form={form} set={setForm} />
            <div className="field">
              <label className="inline">
                <input type="checkbox" checked={form.vip} onChange={(e) => setForm({ ...form, vip: e.target.checked })} /> {text.facts.vip}
              </label>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-fields`}>{text.routing.fieldsJson}</label>
            <textarea
              id={`${id}-fields`}
              className="code"
              rows={4}
              spellCheck={false}
              value={form.fields}
              onChange={(e) => setForm({ ...form, fields: e.target.value })}
            />
          </div>
        </fieldset>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit">{text.routing.run}</button>
      </form>
      {result ? <Result decision={result.decision} rules={result.rules} /> : null}
    </>
  );
}

export function RoutingRulesView() {
  const rules = useRoutingRules();
  const [draft, setDraft] = useState<string | undefined>();
  const [published, setPublished] = useState('');
  if (rules.isPending) return <Loading />;
  if (rules.error) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />;
  const current = rules.data?.rules;
  const draftText = draft ?? draftOf(current);
  return (
    <>
      <p role="status">{published}</p>
      {current ? <RulesTable ruleset={current} /> : <Empty title={text.routing.none} />}
      <h3>{text.routing.draft}</h3>
      <Draft
        key={`draft-${current?.version ?? 0}`}
        current={current}
        draft={draftText}
        setDraft={setDraft}
        etag={rules.data?.etag ?? null}
        onPublished={setPublished}
      />
      <h3>{text.routing.tester}</h3>
      <Tester key={`tester-${current?.version ?? 0}`} published={current} draft={draftText} />
    </>
  );
}
