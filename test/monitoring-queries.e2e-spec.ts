import { scrape } from './support/metrics';
import {
  alertExpressions,
  dashboardQueries,
  exposedNames,
  metricNamesIn,
  panelsOf,
  readDashboard,
  type Dashboard,
} from './support/promql';
import { createTestApp, type TestApp } from './support/test-app';

/** Series Prometheus makes itself for every scrape target: alerts may use them, Aegis cannot expose them. */
const PROMETHEUS_SERIES = new Set(['up']);

/** Each query by where it is, with the names it uses that the running app does not expose. */
function unknownNames(queries: Map<string, string>, exposed: Set<string>, allowed = new Set()) {
  return [...queries].flatMap(([where, query]) => {
    const unknown = metricNamesIn(query).filter((name) => !exposed.has(name) && !allowed.has(name));
    return unknown.length > 0 ? [`${where}: ${unknown.join(', ')}`] : [];
  });
}

/**
 * ops/prometheus/alerts.yml and ops/grafana/aegis-dashboard.json against the app's own GET /metrics: a renamed
 * or misspelled metric would make an alert that never fires or a panel that stays empty.
 */
describe('the shipped alerts and dashboard query only metrics Aegis exports', () => {
  let t: TestApp;
  let exposed: Set<string>;
  const dashboard: Dashboard = readDashboard();
  const alerts = alertExpressions();

  beforeAll(async () => {
    t = await createTestApp();
    await t.http().get('/health/ready');
    exposed = exposedNames(await scrape(t));
  });
  afterAll(() => t.close());

  it('reads the metric names out of PromQL (functions, labels, ranges and variables are not names)', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{route!~"/x|y", instance=~"$instance"}[$__rate_interval]))) / ignoring(x) b_total offset 5m > 1e3',
      ),
    ).toEqual(['a_seconds_bucket', 'b_total']);
    expect(exposed).toContain('aegis_http_request_duration_seconds_bucket');
    expect(exposed).not.toContain('aegis_http_request_duration_seconds');
    expect(exposed).toContain('aegis_logins_total');
  });

  it('every alert expression selects series the app exposes (or Prometheus own `up`)', () => {
    expect([...alerts.keys()].length).toBeGreaterThanOrEqual(8);
    for (const [alert, expr] of alerts)
      expect({ alert, names: metricNamesIn(expr).length > 0 }).toEqual({ alert, names: true });
    expect(unknownNames(alerts, exposed, PROMETHEUS_SERIES)).toEqual([]);
  });

  it('every dashboard query selects series the app exposes', () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.size).toBeGreaterThanOrEqual(15);
    for (const [where, query] of queries)
      expect({ where, names: metricNamesIn(query).length > 0 }).toEqual({ where, names: true });
    expect(unknownNames(queries, exposed)).toEqual([]);
  });

  it('the dashboard imports into Grafana: a schema version, a Prometheus data source variable every panel uses, unique panel ids', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }),
    );
    const panels = panelsOf(dashboard);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: '${datasource}',
      });
      for (const target of panel.targets ?? []) expect(target.refId).toMatch(/^[A-Z]$/);
    }
  });
});
