/**
 * The thin seam to json-rules-engine: run a ruleset's conditions over a case's
 * facts and report, per rule, whether it fired and which leaf conditions held
 * (with the fact values the engine saw). Deciding what that means is `rules.ts`.
 * The engine is pure JavaScript (no I/O), so it may live in the core.
 */
import { Engine, type TopLevelConditionResult } from 'json-rules-engine';
import type { MatchedCondition, RoutingFacts, RoutingRule, RuleOutcome } from './rules.js';

type ResultNode = TopLevelConditionResult | (Record<string, unknown> & { result?: boolean });

function matchedLeaves(node: ResultNode | undefined, into: MatchedCondition[]): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (Array.isArray(n.all)) (n.all as ResultNode[]).forEach((c) => matchedLeaves(c, into));
  else if (Array.isArray(n.any)) (n.any as ResultNode[]).forEach((c) => matchedLeaves(c, into));
  else if (n.not) matchedLeaves(n.not as ResultNode, into);
  else if (typeof n.fact === 'string' && n.result === true) {
    into.push({
      fact: n.fact,
      ...(typeof n.path === 'string' ? { path: n.path } : {}),
      operator: String(n.operator),
      value: n.value,
      factValue: n.factResult ?? null,
    });
  }
}

/** An engine per ruleset version: rules are immutable once published, so a container builds each once. */
const engines = new Map<string, Engine>();

function engineFor(cacheKey: string | undefined, rules: readonly RoutingRule[]): Engine {
  const cached = cacheKey === undefined ? undefined : engines.get(cacheKey);
  if (cached) return cached;
  // Undefined facts (a custom field the case lacks) are simply false, not an error.
  const engine = new Engine([], { allowUndefinedFacts: true });
  rules.forEach((rule, index) => {
    engine.addRule({
      name: rule.id,
      // The engine runs higher priority first; keep the ruleset's order.
      priority: rules.length - index,
      conditions: structuredClone(rule.when) as never,
      event: { type: 'route', params: { ruleId: rule.id } },
    });
  });
  if (cacheKey !== undefined) engines.set(cacheKey, engine);
  return engine;
}

/** Evaluate every rule (all of them: the record shows which held, even past a stopping rule). */
export async function evaluateRules(rules: readonly RoutingRule[], facts: RoutingFacts, cacheKey?: string): Promise<RuleOutcome[]> {
  if (rules.length === 0) return [];
  const { results, failureResults } = await engineFor(cacheKey, rules).run(structuredClone(facts) as Record<string, unknown>);
  const outcome =
    (fired: boolean) =>
    (r: { name: string; conditions: TopLevelConditionResult }): RuleOutcome => {
      const matched: MatchedCondition[] = [];
      matchedLeaves(r.conditions, matched);
      return { ruleId: r.name, fired, matched };
    };
  return [...results.map(outcome(true)), ...failureResults.map(outcome(false))];
}
