'use strict';
// A fake AWS for the driver's tests: one CloudFormation stack whose parameters the driver moves, target
// groups with healthy counts, alarms and per-minute metrics that are functions of a fake clock's time.
// Clients answer `send(command)` by the SDK command's class name, as the real clients would.

const T0 = Date.parse('2026-12-07T06:00:00Z');

class Killed extends Error {}

// now() and sleep(ms) that advance instantly; killAfter(n) makes the n-th sleep from now throw Killed
// (the driver process dying mid-wait).
class FakeClock {
  constructor(now = T0) { this.t = now; this.sleeps = 0; this.killAt = null; }
  now() { return this.t; }
  async sleep(ms) {
    this.sleeps++;
    if (this.killAt !== null && this.sleeps >= this.killAt) { this.killAt = null; throw new Killed(`killed at ${new Date(this.t).toISOString()}`); }
    this.t += ms;
  }
  killAfter(n) { this.killAt = this.sleeps + n; }
}

const ARN = {
  lb: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/prod-web/50dc6c495c0c9188',
  blue: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/prod-blue/73e2d6bc24d8a067',
  green: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/prod-green/943f017f100becff',
};

function bgRelease(over = {}) {
  return {
    kind: 'blue-green', id: 'prod-2026-12-07', construct: 'Prod-Web/Fleets', steps: [5, 25, 50, 100],
    bakeSeconds: 300, pollSeconds: 15, healthyWaitSeconds: 900,
    gates: { alarms: true, maxErrorPercent: 1, maxErrorIncreasePoints: 0.5, maxP99Seconds: 2, maxP99Ratio: 1.5, minRequests: 100 },
    parameters: { blueWeight: 'FleetsBlueWeight', greenWeight: 'FleetsGreenWeight', serving: 'FleetsServing', status: 'FleetsReleaseStatus' },
    final: { blueWeight: 0, greenWeight: 100, serving: 'green', status: 'done:prod-2026-12-07' },
    loadBalancer: 'WebLb',
    colors: {
      blue: { targetGroup: 'BlueTg', autoScalingGroup: 'BlueAsg', minHealthy: 2, alarms: ['BlueErrors'] },
      green: { targetGroup: 'GreenTg', autoScalingGroup: 'GreenAsg', minHealthy: 2, alarms: ['GreenErrors', 'GreenLatency'] },
    },
    ...over,
  };
}

function apiRelease(over = {}) {
  return {
    kind: 'api-canary', id: 'dev-api-2026-12-07', construct: 'Dev-Api/Api', steps: [10, 50],
    bakeSeconds: 300, pollSeconds: 15, healthyWaitSeconds: 0,
    gates: { alarms: true, maxErrorPercent: 1, maxErrorIncreasePoints: 0.5, maxP99Seconds: 3, maxP99Ratio: 1.5, minRequests: 100 },
    parameters: { percent: 'ApiCanaryPercent', stageBackend: 'ApiStageBackend', status: 'ApiReleaseStatus' },
    final: { percent: 0, stageBackend: 'canary', status: 'done:dev-api-2026-12-07' },
    restApi: 'Api', stage: 'dev',
    stable: { function: 'StableFn', alarms: [] },
    canary: { function: 'CanaryFn', alarms: ['CanaryErrors'] },
    ...over,
  };
}

// Per-minute traffic of a side: requests and errors per minute, p99 in seconds.
const steady = (requests = 1000, errors = 1, p99Seconds = 0.2) => () => ({ requests, errors, p99Seconds });

class FakeWorld {
  // releases: the metadata array; params: { name: value } (numbers become strings, as DescribeStacks returns)
  constructor({ clock = new FakeClock(), releases, params, stackName = 'Prod-Web', updateSeconds = 4 }) {
    this.clock = clock;
    this.stackName = stackName;
    this.template = { Metadata: { 'Infra::Releases': releases }, Resources: {} };
    this.params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    this.status = 'UPDATE_COMPLETE';
    this.pending = null; // { values, doneAt, fail }
    this.updateMs = updateSeconds * 1000;
    this.calls = []; // every UpdateStack: { at, values (changed only), input }
    this.failNextUpdate = null;
    this.physical = {
      WebLb: ARN.lb, BlueTg: ARN.blue, GreenTg: ARN.green,
      BlueErrors: 'Prod-Web-BlueErrors', GreenErrors: 'Prod-Web-GreenErrors', GreenLatency: 'Prod-Web-GreenLatency',
      StableFn: 'Dev-Api-Stable-1A2B', CanaryFn: 'Dev-Api-Canary-3C4D', CanaryErrors: 'Dev-Api-CanaryErrors', Api: 'abc123',
    };
    // ListStackResources' ResourceType per logical id (the alarms metric alarms; set one composite to test that).
    this.types = {
      WebLb: 'AWS::ElasticLoadBalancingV2::LoadBalancer', BlueTg: 'AWS::ElasticLoadBalancingV2::TargetGroup', GreenTg: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      BlueErrors: 'AWS::CloudWatch::Alarm', GreenErrors: 'AWS::CloudWatch::Alarm', GreenLatency: 'AWS::CloudWatch::Alarm',
      StableFn: 'AWS::Lambda::Function', CanaryFn: 'AWS::Lambda::Function', CanaryErrors: 'AWS::CloudWatch::Alarm', Api: 'AWS::ApiGateway::RestApi',
    };
    this.alarmRequests = []; // every DescribeAlarms input
    this.healthy = { blue: 2, green: 2 }; // numbers or (world) => number
    this.alarms = {}; // name -> { state, since } or (t) => ({ state, since })
    this.traffic = { canary: steady(), baseline: steady() }; // (minuteStartMs) -> sample
    this.metricCalls = 0;
    this.failMetrics = false;
    this.metricLatencyMs = 0; // how long each GetMetricData takes, on the fake clock
    this.healthCalls = 0;
    this.failHealth = false;
  }

  settle() {
    if (this.pending && this.clock.now() >= this.pending.doneAt) {
      if (this.pending.fail) this.status = 'UPDATE_ROLLBACK_COMPLETE';
      else { Object.assign(this.params, this.pending.values); this.status = 'UPDATE_COMPLETE'; }
      this.pending = null;
    }
  }

  // An update someone else started (a cdk deploy) that finishes after `seconds`.
  startForeignUpdate(values, seconds) {
    this.status = 'UPDATE_IN_PROGRESS';
    this.pending = { values, doneAt: this.clock.now() + seconds * 1000 };
  }

  get cfn() {
    return { send: async (cmd) => this.cfnSend(cmd.constructor.name, cmd.input) };
  }

  async cfnSend(name, input) {
    this.settle();
    if (name !== 'DescribeStackDriftDetectionStatusCommand' && input.StackName !== this.stackName) throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
    switch (name) {
      case 'DescribeStacksCommand':
        return { Stacks: [{ StackName: this.stackName, StackStatus: this.status, StackStatusReason: this.status === 'UPDATE_ROLLBACK_COMPLETE' ? 'Resource update cancelled' : undefined,
          Parameters: Object.entries(this.params).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })) }] };
      case 'GetTemplateCommand':
        return { TemplateBody: JSON.stringify(this.template), StagesAvailable: ['Original', 'Processed'] };
      case 'ListStackResourcesCommand': {
        // Two pages, as a real stack with many resources answers.
        const all = Object.entries(this.physical).map(([LogicalResourceId, PhysicalResourceId]) => ({ LogicalResourceId, PhysicalResourceId, ResourceType: this.types[LogicalResourceId] }));
        const half = Math.ceil(all.length / 2);
        return input.NextToken ? { StackResourceSummaries: all.slice(half) } : { StackResourceSummaries: all.slice(0, half), NextToken: 'page2' };
      }
      case 'UpdateStackCommand': {
        if (this.status.endsWith('_IN_PROGRESS')) throw Object.assign(new Error(`Stack:${this.stackName} is in UPDATE_IN_PROGRESS state and can not be updated.`), { name: 'ValidationError' });
        const values = {};
        for (const p of input.Parameters) {
          if (!(p.ParameterKey in this.params)) throw Object.assign(new Error(`Parameter ${p.ParameterKey} does not exist`), { name: 'ValidationError' });
          if (!p.UsePreviousValue) values[p.ParameterKey] = p.ParameterValue;
        }
        const missing = Object.keys(this.params).filter((k) => !input.Parameters.some((p) => p.ParameterKey === k));
        if (missing.length) throw Object.assign(new Error(`Parameters: [${missing}] must have values`), { name: 'ValidationError' });
        this.calls.push({ at: this.clock.now(), values, input });
        if (Object.entries(values).every(([k, v]) => this.params[k] === v)) {
          throw Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' });
        }
        const fail = this.failNextUpdate; this.failNextUpdate = null;
        this.status = 'UPDATE_IN_PROGRESS';
        this.pending = { values, doneAt: this.clock.now() + this.updateMs, fail };
        return { StackId: `arn:aws:cloudformation:eu-west-1:111111111111:stack/${this.stackName}/1` };
      }
      // Drift detection: this.drift = null (IN_SYNC), 'unavailable' (an engine without it, as moto), or a list
      // of drifted resources as DescribeStackResourceDrifts returns them.
      case 'DetectStackDriftCommand':
        if (this.drift === 'unavailable') throw Object.assign(new Error('The DetectStackDrift action has not been implemented'), { name: 'NotImplemented' });
        this.driftChecks = (this.driftChecks || 0) + 1;
        return { StackDriftDetectionId: `drift-${this.driftChecks}` };
      case 'DescribeStackDriftDetectionStatusCommand':
        return { StackDriftDetectionId: input.StackDriftDetectionId, DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: Array.isArray(this.drift) && this.drift.length ? 'DRIFTED' : 'IN_SYNC' };
      case 'DescribeStackResourceDriftsCommand':
        return { StackResourceDrifts: Array.isArray(this.drift) ? this.drift : [] };
      case 'DescribeStackEventsCommand':
        return { StackEvents: [{ LogicalResourceId: 'GreenAsg', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'capacity', Timestamp: new Date(this.clock.now()) }] };
      default: throw new Error(`fake CloudFormation: ${name} not modelled`);
    }
  }

  get elb() {
    return {
      send: async (cmd) => {
        this.settle();
        if (cmd.constructor.name !== 'DescribeTargetHealthCommand') throw new Error(`fake ELB: ${cmd.constructor.name}`);
        this.healthCalls++;
        if (this.failHealth) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        const color = Object.keys(ARN).find((c) => ARN[c] === cmd.input.TargetGroupArn);
        const h = this.healthy[color];
        const n = typeof h === 'function' ? h(this) : h;
        return { TargetHealthDescriptions: Array.from({ length: n }, (_, i) => ({ Target: { Id: `i-${color}${i}` }, TargetHealth: { State: 'healthy' } }))
          .concat([{ Target: { Id: `i-${color}-draining` }, TargetHealth: { State: 'draining' } }]) };
      },
    };
  }

  get cw() {
    return { send: async (cmd) => this.cwSend(cmd.constructor.name, cmd.input) };
  }

  async cwSend(name, input) {
    const now = this.clock.now();
    if (name === 'DescribeAlarmsCommand') {
      // As CloudWatch: AlarmTypes omitted means metric alarms only; a composite alarm is answered only
      // when CompositeAlarm is asked for.
      this.alarmRequests.push(input);
      const types = input.AlarmTypes || ['MetricAlarm'];
      const compositeNames = new Set(Object.entries(this.types).filter(([, t]) => t === 'AWS::CloudWatch::CompositeAlarm').map(([id]) => this.physical[id]));
      const MetricAlarms = []; const CompositeAlarms = [];
      for (const AlarmName of input.AlarmNames) {
        const composite = compositeNames.has(AlarmName);
        if (!types.includes(composite ? 'CompositeAlarm' : 'MetricAlarm')) continue;
        const a = this.alarms[AlarmName];
        const v = typeof a === 'function' ? a(now) : a || { state: 'OK', since: T0 - 3600e3 };
        if (v) (composite ? CompositeAlarms : MetricAlarms).push({ AlarmName, StateValue: v.state, StateTransitionedTimestamp: new Date(v.since) });
      }
      return { MetricAlarms, CompositeAlarms };
    }
    if (name !== 'GetMetricDataCommand') throw new Error(`fake CloudWatch: ${name}`);
    this.metricCalls++;
    this.clock.t += this.metricLatencyMs;
    if (this.failMetrics) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    this.lastMetricInput = input;
    const start = input.StartTime.getTime();
    const end = Math.min(input.EndTime.getTime(), now);
    const canaryDims = JSON.stringify(input.MetricDataQueries.find((q) => q.Id === 'c_req').MetricStat.Metric.Dimensions);
    const page = input.MetricDataQueries.map((q) => {
      const side = JSON.stringify(q.MetricStat.Metric.Dimensions) === canaryDims ? 'canary' : 'baseline';
      const Timestamps = []; const Values = [];
      // One datapoint per started minute of the window; counts scale with the part of the minute elapsed.
      for (let m = start; m < end; m += 60000) {
        const s = this.traffic[side](m);
        if (!s) continue;
        const frac = Math.min(1, (end - m) / 60000);
        const field = q.Id.endsWith('_req') ? 'requests' : q.Id.endsWith('_err') ? 'errors' : 'p99Seconds';
        let v = s[field];
        if (v === null || v === undefined) continue;
        if (field !== 'p99Seconds') v = Math.round(v * frac);
        else if (q.MetricStat.Metric.Namespace === 'AWS/Lambda') v *= 1000;
        Timestamps.push(new Date(m)); Values.push(v);
      }
      return { Id: q.Id, Timestamps, Values, StatusCode: 'Complete' };
    });
    // Answered in two pages, to hold the driver to NextToken.
    if (!input.NextToken) return { MetricDataResults: page.slice(0, 3), NextToken: 'more' };
    return { MetricDataResults: page.slice(3) };
  }

  get clients() { return { cfn: this.cfn, cw: this.cw, elb: this.elb }; }
}

// Parameters of a blue-green stack in a given state.
function bgParams(r, { blue = 100, green = 0, serving = 'blue', status = 'done:prod-2026-11-30' } = {}) {
  return { [r.parameters.blueWeight]: blue, [r.parameters.greenWeight]: green, [r.parameters.serving]: serving, [r.parameters.status]: status, OtherParam: 'keep' };
}
// Before a release the stage serves what the previous one promoted ('original' here); promote names the canary's.
function apiParams(r, { percent = 0, stageBackend = 'original', status = 'done:dev-api-2026-11-30' } = {}) {
  return { [r.parameters.percent]: percent, [r.parameters.stageBackend]: stageBackend, [r.parameters.status]: status, OtherParam: 'keep' };
}

module.exports = { T0, ARN, FakeClock, FakeWorld, Killed, bgRelease, apiRelease, bgParams, apiParams, steady };
