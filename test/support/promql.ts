import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** PromQL functions, aggregations and keywords that look like identifiers but name no series. */
const NOT_METRICS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/**
 * The series names a PromQL expression selects. Label matchers, strings, ranges, groupings and Grafana
 * variables are removed first; an identifier followed by `(` is a function or an aggregation.
 */
export function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)]
    .filter((match) => match[2] === undefined && !NOT_METRICS.has(match[1]))
    .map((match) => match[1]);
  return [...new Set(names)];
}

/** Every name `GET /metrics` exposes, with the `_bucket`, `_count` and `_sum` series of histograms and summaries. */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    // A histogram's own name selects nothing: its series are the three below.
    if (type !== 'histogram') names.add(name);
    if (type === 'histogram') names.add(`${name}_bucket`);
    if (type === 'histogram' || type === 'summary') names.add(`${name}_count`).add(`${name}_sum`);
  }
  return names;
}

const ROOT = join(__dirname, '../..');

/** The `expr:` of every rule in a Prometheus rules file (inline, or a `|` block), by alert name. */
export function alertExpressions(path = 'ops/prometheus/alerts.yml'): Map<string, string> {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const expressions = new Map<string, string>();
  let alert = '';
  lines.forEach((line, index) => {
    const name = /^\s*- alert: (\S+)/.exec(line);
    if (name) alert = name[1];
    const expr = /^(\s*)expr: (.*)$/.exec(line);
    if (!expr) return;
    if (expr[2].trim() !== '|') return void expressions.set(alert, expr[2]);
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() !== '' && next.search(/\S/) <= expr[1].length) break;
      block.push(next.trim());
    }
    expressions.set(alert, block.join(' '));
  });
  return expressions;
}

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  schemaVersion: number;
  title: string;
  uid: string;
  panels: Panel[];
  templating: {
    list: Array<{ type: string; name: string; query: string | { query: string } }>;
  };
}

export function readDashboard(path = 'ops/grafana/aegis-dashboard.json'): Dashboard {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL query of the dashboard, named by where it is: panel targets, and template variables
 * (`label_values(metric, label)` selects `metric`).
 */
export function dashboardQueries(dashboard: Dashboard): Map<string, string> {
  const queries = new Map<string, string>();
  for (const panel of panelsOf(dashboard))
    for (const target of panel.targets ?? [])
      queries.set(`panel "${panel.title}" ${target.refId}`, target.expr ?? '');
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    queries.set(`variable $${variable.name}`, query.replace(/label_values\((\w+),\s*\w+\)/, '$1'));
  }
  return queries;
}
