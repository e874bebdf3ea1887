'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { dimensionFromArn, buildQuery, series, sample, PERIOD } = require('../lib/metrics');
const { ARN } = require('./fake-aws');

test('dimension values from ARNs: targetgroup/<name>/<id> and app/<name>/<id>', () => {
  assert.equal(dimensionFromArn(ARN.green, 'targetgroup'), 'targetgroup/prod-green/943f017f100becff');
  assert.equal(dimensionFromArn(ARN.lb, 'loadbalancer'), 'app/prod-web/50dc6c495c0c9188');
  assert.equal(dimensionFromArn('arn:aws-cn:elasticloadbalancing:cn-north-1:1:targetgroup/a-b/1', 'targetgroup'), 'targetgroup/a-b/1');
  assert.throws(() => dimensionFromArn('Prod-Web-GreenTg', 'targetgroup'), /"Prod-Web-GreenTg" is not a target group ARN/);
  assert.throws(() => dimensionFromArn(ARN.blue, 'loadbalancer'), /not a load balancer ARN/);
  assert.throws(() => dimensionFromArn('arn:aws:elasticloadbalancing:r:1:loadbalancer/net/x', 'loadbalancer'), /expected app\/<name>\/<id>/);
  assert.throws(() => dimensionFromArn(undefined, 'targetgroup'), /not a target group ARN/);
});

test('blue-green queries: ALB namespace, both dimensions, Sum of requests and 5xx, p99 of response time', () => {
  const start = new Date('2026-12-07T06:00:00Z'); const end = new Date('2026-12-07T06:05:00Z');
  const q = buildQuery('blue-green', { canary: { targetGroupArn: ARN.green, loadBalancerArn: ARN.lb }, baseline: { targetGroupArn: ARN.blue, loadBalancerArn: ARN.lb } }, start, end);
  assert.equal(q.StartTime, start); assert.equal(q.EndTime, end);
  assert.deepEqual(q.MetricDataQueries.map((x) => [x.Id, x.MetricStat.Metric.MetricName, x.MetricStat.Stat]), [
    ['c_req', 'RequestCount', 'Sum'], ['c_err', 'HTTPCode_Target_5XX_Count', 'Sum'], ['c_p99', 'TargetResponseTime', 'p99'],
    ['b_req', 'RequestCount', 'Sum'], ['b_err', 'HTTPCode_Target_5XX_Count', 'Sum'], ['b_p99', 'TargetResponseTime', 'p99']]);
  for (const x of q.MetricDataQueries) {
    assert.equal(x.MetricStat.Metric.Namespace, 'AWS/ApplicationELB');
    assert.equal(x.MetricStat.Period, PERIOD);
    assert.equal(PERIOD, 60);
  }
  assert.deepEqual(q.MetricDataQueries[0].MetricStat.Metric.Dimensions, [
    { Name: 'TargetGroup', Value: 'targetgroup/prod-green/943f017f100becff' }, { Name: 'LoadBalancer', Value: 'app/prod-web/50dc6c495c0c9188' }]);
  assert.equal(q.MetricDataQueries[3].MetricStat.Metric.Dimensions[0].Value, 'targetgroup/prod-blue/73e2d6bc24d8a067');
});

test('api-canary queries: Lambda namespace, FunctionName, Invocations, Errors, p99 Duration', () => {
  const q = buildQuery('api-canary', { canary: { functionName: 'Canary-1' }, baseline: { functionName: 'Stable-1' } }, new Date(0), new Date(60000));
  assert.deepEqual(q.MetricDataQueries.map((x) => [x.Id, x.MetricStat.Metric.Namespace, x.MetricStat.Metric.MetricName, x.MetricStat.Stat, x.MetricStat.Metric.Dimensions[0].Value]), [
    ['c_req', 'AWS/Lambda', 'Invocations', 'Sum', 'Canary-1'], ['c_err', 'AWS/Lambda', 'Errors', 'Sum', 'Canary-1'], ['c_p99', 'AWS/Lambda', 'Duration', 'p99', 'Canary-1'],
    ['b_req', 'AWS/Lambda', 'Invocations', 'Sum', 'Stable-1'], ['b_err', 'AWS/Lambda', 'Errors', 'Sum', 'Stable-1'], ['b_p99', 'AWS/Lambda', 'Duration', 'p99', 'Stable-1']]);
});

// Both sides' samples of a whole window, as the driver judges them.
const samples = (kind, results) => { const s = series(kind, results); return { canary: sample(s.canary), baseline: sample(s.baseline) }; };
const t = (m) => new Date(Date.UTC(2026, 11, 7, 6, m));
const res = (Id, pts) => ({ Id, Timestamps: pts.map(([m]) => t(m)), Values: pts.map(([, v]) => v), StatusCode: 'Complete' });

test('samples: counts summed over the minutes, p99 the worst minute, split over pages', () => {
  const results = [
    res('c_req', [[2, 500], [0, 1000], [1, 800]]), // out of order, as a descending scan would return
    res('c_err', [[0, 1], [2, 3]]), // minute 1 had no 5xx: no datapoint
    res('c_p99', [[0, 0.2], [1, 0.35], [2, 0.25]]),
    res('b_req', [[0, 19000]]),
    res('b_err', []),
    res('b_p99', [[0, 0.18]]),
    res('c_req', [[3, 200]]), // a later page of the same query
  ];
  const s = samples('blue-green', results);
  assert.deepEqual(s.canary, { requests: 2500, errors: 4, p99Seconds: 0.35 });
  assert.deepEqual(s.baseline, { requests: 19000, errors: null, p99Seconds: 0.18 });
});

test('samples: nothing returned is no data (null), not zero', () => {
  assert.deepEqual(samples('blue-green', []), { canary: { requests: null, errors: null, p99Seconds: null }, baseline: { requests: null, errors: null, p99Seconds: null } });
  assert.deepEqual(samples('blue-green', undefined).canary, { requests: null, errors: null, p99Seconds: null });
  assert.deepEqual(samples('api-canary', [{ Id: 'c_req' }]).canary, { requests: null, errors: null, p99Seconds: null });
});

test('samples: null, NaN and non-numbers in Values are skipped', () => {
  const s = samples('blue-green', [res('c_req', [[0, 100], [1, NaN], [2, null]]), res('c_p99', [[0, null]])]);
  assert.deepEqual(s.canary, { requests: 100, errors: null, p99Seconds: null });
});

test('api-canary: Duration milliseconds become seconds', () => {
  const s = samples('api-canary', [res('c_req', [[0, 300]]), res('c_err', [[0, 0]]), res('c_p99', [[0, 250], [1, 1200]]), res('b_p99', [[0, 90]])]);
  assert.deepEqual(s.canary, { requests: 300, errors: 0, p99Seconds: 1.2 });
  assert.equal(s.baseline.p99Seconds, 0.09);
});

test('sample(points, until): the window up to a minute, for finding when a breach began', () => {
  const s = series('blue-green', [res('c_req', [[0, 100], [1, 100], [2, 100]]), res('c_err', [[1, 5], [2, 7]])]);
  assert.deepEqual(s.canary.map((p) => p.t), [t(0), t(1), t(2)].map((d) => d.getTime()));
  assert.deepEqual(sample(s.canary, t(1).getTime()), { requests: 200, errors: 5, p99Seconds: null });
  assert.deepEqual(sample(s.canary, t(0).getTime() - 1), { requests: null, errors: null, p99Seconds: null });
  assert.deepEqual(s.baseline, []);
});
