'use strict';
// The GetMetricData queries of a step's window and their sums (release-spec.md, "Metrics the driver
// reads"). Pure: the driver sends the queries and hands the response back here.

const PERIOD = 60;

// "arn:aws:elasticloadbalancing:r:a:targetgroup/web-blue/0123" -> "targetgroup/web-blue/0123" (the
// TargetGroup dimension); "...:loadbalancer/app/web/4567" -> "app/web/4567" (the LoadBalancer one).
function dimensionFromArn(arn, kind) {
  const marker = kind === 'targetgroup' ? ':targetgroup/' : ':loadbalancer/';
  const at = typeof arn === 'string' ? arn.indexOf(marker) : -1;
  if (at < 0) throw new Error(`"${arn}" is not a ${kind === 'targetgroup' ? 'target group' : 'load balancer'} ARN`);
  const suffix = kind === 'targetgroup' ? arn.slice(at + 1) : arn.slice(at + marker.length);
  if (suffix.split('/').length !== 3) throw new Error(`"${arn}": expected ${kind === 'targetgroup' ? 'targetgroup' : 'app'}/<name>/<id> after the resource type`);
  return suffix;
}

// What each side is measured by. sides: { canary, baseline } of
//   blue-green: { targetGroupArn, loadBalancerArn }   api-canary: { functionName }
function metricSpec(kind) {
  return kind === 'blue-green'
    ? { namespace: 'AWS/ApplicationELB', requests: 'RequestCount', errors: 'HTTPCode_Target_5XX_Count', latency: 'TargetResponseTime', latencyScale: 1 }
    : { namespace: 'AWS/Lambda', requests: 'Invocations', errors: 'Errors', latency: 'Duration', latencyScale: 1 / 1000 };
}

function dimensions(kind, side) {
  if (kind === 'blue-green') {
    return [
      { Name: 'TargetGroup', Value: dimensionFromArn(side.targetGroupArn, 'targetgroup') },
      { Name: 'LoadBalancer', Value: dimensionFromArn(side.loadBalancerArn, 'loadbalancer') },
    ];
  }
  return [{ Name: 'FunctionName', Value: side.functionName }];
}

// The GetMetricData input for the window [start, end] (Dates). Ids: <side>_<measure>, e.g. c_req.
function buildQuery(kind, sides, start, end) {
  const m = metricSpec(kind);
  const queries = [];
  for (const [prefix, side] of [['c', sides.canary], ['b', sides.baseline]]) {
    const dims = dimensions(kind, side);
    const q = (id, name, stat) => queries.push({
      Id: `${prefix}_${id}`,
      MetricStat: { Metric: { Namespace: m.namespace, MetricName: name, Dimensions: dims }, Period: PERIOD, Stat: stat },
      ReturnData: true,
    });
    q('req', m.requests, 'Sum');
    q('err', m.errors, 'Sum');
    q('p99', m.latency, 'p99');
  }
  return { MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending' };
}

// GetMetricData results (all pages' MetricDataResults) -> per side { points: [{ t, requests, errors,
// p99Seconds }] } sorted by time. Values that are not finite numbers are no data.
function series(kind, results) {
  const scale = metricSpec(kind).latencyScale;
  const byId = new Map();
  for (const r of results || []) {
    const list = byId.get(r.Id) || [];
    (r.Timestamps || []).forEach((t, i) => list.push({ t: new Date(t).getTime(), v: (r.Values || [])[i] }));
    byId.set(r.Id, list);
  }
  const side = (prefix) => {
    const points = new Map();
    const at = (t) => { if (!points.has(t)) points.set(t, { t, requests: null, errors: null, p99Seconds: null }); return points.get(t); };
    for (const [id, field] of [['req', 'requests'], ['err', 'errors'], ['p99', 'p99Seconds']]) {
      for (const { t, v } of byId.get(`${prefix}_${id}`) || []) {
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        at(t)[field] = field === 'p99Seconds' ? v * scale : v;
      }
    }
    return [...points.values()].sort((a, b) => a.t - b.t);
  };
  return { canary: side('c'), baseline: side('b') };
}

// The sample of a side up to time `until` (ms, inclusive): requests and errors summed; p99 the worst
// minute's p99 (percentiles of minutes cannot be merged exactly; the maximum never flatters the canary).
function sample(points, until = Infinity) {
  let requests = null; let errors = null; let p99 = null;
  for (const p of points) {
    if (p.t > until) break;
    if (p.requests !== null) requests = (requests ?? 0) + p.requests;
    if (p.errors !== null) errors = (errors ?? 0) + p.errors;
    if (p.p99Seconds !== null) p99 = Math.max(p99 ?? 0, p.p99Seconds);
  }
  return { requests, errors, p99Seconds: p99 };
}

module.exports = { PERIOD, dimensionFromArn, buildQuery, series, sample };
