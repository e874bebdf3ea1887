'use strict';
// The release state machine (release-spec.md): reads where a stack's release stands, then prepares,
// walks and bakes the steps, settles or rolls back. Clients, clock and output are injected so the unit
// tests run it against fakes on a fake clock.
const { DescribeAlarmsCommand, GetMetricDataCommand } = require('@aws-sdk/client-cloudwatch');
const { DescribeTargetHealthCommand } = require('@aws-sdk/client-elastic-load-balancing-v2');
const { judge, describe } = require('./analysis');
const { MetadataError, validate, colorsOf, phase, transitions, rollbackRemainder, toParameters, remaining } = require('./plan');
const { buildQuery, series, sample } = require('./metrics');
const { Stack, UpdateFailedError, UPDATABLE, describeValues } = require('./stack');

const EXIT = { ok: 0, rolledBack: 1, refused: 1, usage: 2 };

// DescribeStacks while an update runs: every second, so the measured rollback-to-UPDATE_COMPLETE time is
// within a second (a parameter update takes seconds; moto's is synchronous).
const STACK_POLL_MS = 1000;

// A step whose window never gathers enough requests is rolled back after this many bakes of holding:
// it can never be shown healthy, and leaving part of the traffic on an unjudged version is no end state.
const HOLD_LIMIT_BAKES = 3;

// A failed CloudWatch read during a bake: an outage of the evidence, judged as no data.
class ReadError extends Error {}
async function read(api, client, command) {
  try { return await client.send(command); } catch (e) { throw new ReadError(`${api}: ${e.message.split('\n')[0]}`); }
}

// An update CloudFormation refused or failed, or an AWS call that failed (SDK errors carry $metadata).
const isAwsFailure = (e) => e instanceof UpdateFailedError || (e && e.$metadata !== undefined);

const realClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

// Picks the release of a stack: the one given by id, or the only one.
function pickRelease(stackName, list, id) {
  if (id) {
    const r = list.find((x) => x && x.id === id);
    if (!r) throw new MetadataError(`stack ${stackName} has no release ${id} (it declares: ${list.map((x) => x && x.id).join(', ') || 'none'})`);
    return r;
  }
  if (list.length !== 1) throw new MetadataError(`stack ${stackName} declares ${list.length} releases (${list.map((x) => x && x.id).join(', ')}): choose one with --release ID`);
  return list[0];
}

class Driver {
  // clients: { cfn, cw, elb } (SDK v3 clients or fakes with send); out(line); log(event object);
  // options: { releaseId, pollSeconds, bakeSeconds, healthyWaitSeconds, stackPollMs, driftCheck (default true), driftTimeoutMs }
  constructor({ stackName, clients, clock = realClock, out = console.log, log = () => {}, options = {} }) {
    Object.assign(this, { stackName, clients, clock, out, emit: log, options });
    this.stack = new Stack({ cfn: clients.cfn, name: stackName, clock, out, pollMs: options.stackPollMs ?? STACK_POLL_MS });
  }

  say(line) { this.out(`${this.stackName} ${this.r ? `${this.r.id}: ` : ''}${line}`); }

  log(event, fields = {}) {
    this.emit({ time: new Date(this.clock.now()).toISOString(), event, stack: this.stackName, release: this.r && this.r.id, ...fields });
  }

  // Reads the stack and its release; returns the phase. Throws MetadataError on anything malformed.
  async load() {
    const st = await this.stack.waitStable();
    this.use(pickRelease(this.stackName, await this.stack.releases(), this.options.releaseId));
    const ph = this.phaseOf(st);
    if (!UPDATABLE.includes(st.StackStatus) && !['done', 'rolled-back'].includes(ph.name)) {
      throw new MetadataError(`stack ${this.stackName} is ${st.StackStatus}${st.StackStatusReason ? ` (${st.StackStatusReason})` : ''}: UpdateStack cannot run on it; fix the stack first`);
    }
    return ph;
  }

  use(release) {
    const r = { ...release };
    try { validate(r); } catch (e) { throw new MetadataError(`stack ${this.stackName}: ${e.message}`); }
    if (this.options.pollSeconds !== undefined) r.pollSeconds = this.options.pollSeconds;
    if (this.options.bakeSeconds !== undefined) r.bakeSeconds = this.options.bakeSeconds;
    if (this.options.healthyWaitSeconds !== undefined) r.healthyWaitSeconds = this.options.healthyWaitSeconds;
    this.r = r;
    this.t = transitions(r);
  }

  // --status: every release of the stack (or the one asked for), without waiting for an update to end.
  async status() {
    const st = await this.stack.describe();
    const list = await this.stack.releases();
    for (const release of this.options.releaseId ? [pickRelease(this.stackName, list, this.options.releaseId)] : list) {
      this.use(release);
      this.printStatus(this.phaseOf(st), st.StackStatus);
    }
    return EXIT.ok;
  }

  phaseOf(st) {
    try { return phase(this.r, Stack.parameterValues(st)); } catch (e) { throw new MetadataError(`stack ${this.stackName}: ${e.message}`); }
  }

  // Physical ids of what the release measures, resolved once per run.
  async resolve() {
    const ids = await this.stack.physicalIds();
    const r = this.r;
    const phys = (logical, what) => {
      if (!ids[logical]) throw new MetadataError(`stack ${this.stackName}: ${what} of release ${r.id} is "${logical}", which is not a resource of the stack`);
      return ids[logical];
    };
    let gateAlarms;
    if (r.kind === 'blue-green') {
      const { neu, old } = colorsOf(r);
      const lb = phys(r.loadBalancer, 'loadBalancer');
      const side = (c) => ({ targetGroupArn: phys(r.colors[c].targetGroup, `colors.${c}.targetGroup`), loadBalancerArn: lb });
      this.targetGroups = { [neu]: side(neu).targetGroupArn, [old]: side(old).targetGroupArn };
      this.sides = { canary: side(neu), baseline: side(old) };
      gateAlarms = r.colors[neu].alarms || [];
      this.alarmNames = gateAlarms.map((a, i) => phys(a, `colors.${neu}.alarms[${i}]`));
    } else {
      this.sides = { canary: { functionName: phys(r.canary.function, 'canary.function') }, baseline: { functionName: phys(r.stable.function, 'stable.function') } };
      gateAlarms = r.canary.alarms || [];
      this.alarmNames = gateAlarms.map((a, i) => phys(a, `canary.alarms[${i}]`));
    }
    // Composite alarms only when a gate is one (or of a type the stack does not say): DescribeAlarms answers
    // a request for composite alarms only to a permission on "*", and a deploy role's is on alarm ARNs
    // (GitHubOidcRoles, statement ReleaseReadAlarms).
    const types = this.stack.resourceTypes || {};
    this.alarmTypes = gateAlarms.every((a) => types[a] === 'AWS::CloudWatch::Alarm') ? ['MetricAlarm'] : ['MetricAlarm', 'CompositeAlarm'];
    // The metric dimensions come from the ARNs: a malformed one is found now, not at the first poll.
    try { buildQuery(r.kind, this.sides, new Date(0), new Date(60000)); } catch (e) { throw new MetadataError(`stack ${this.stackName}: release ${r.id}: ${e.message}`); }
  }

  async update(values, action) {
    const params = toParameters(this.r, values);
    this.say(`${action}: UpdateStack ${describeValues(params)}`);
    return this.stack.update(params);
  }

  async healthyCount(color) {
    const res = await this.clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: this.targetGroups[color] }));
    return (res.TargetHealthDescriptions || []).filter((d) => d.TargetHealth && d.TargetHealth.State === 'healthy').length;
  }

  // run({ abort, status, dryRun }) -> exit code
  async run({ abort = false, status = false, dryRun = false } = {}) {
    let ph;
    try {
      if (status) return await this.status();
      ph = await this.load();
      this.log('start', { kind: this.r.kind, phase: ph.name, index: ph.index, state: ph.state, mode: abort ? 'abort' : dryRun ? 'dry-run' : 'run' });
      if (dryRun) return this.printPlan(ph);
      await this.resolve();
    } catch (e) {
      if (e instanceof MetadataError) { this.out(`error: ${e.message}`); this.log('done', { result: 'error', reason: e.message }); return EXIT.usage; }
      throw e;
    }
    try {
      return abort ? await this.abort(ph) : await this.walk(ph);
    } catch (e) {
      if (e instanceof UpdateFailedError || e instanceof MetadataError) {
        this.say(`error: ${e.message}`);
        this.log('done', { result: 'error', reason: e.message });
        return e instanceof MetadataError ? EXIT.usage : EXIT.refused;
      }
      throw e;
    }
  }

  printStatus(ph, stackStatus) {
    const s = Object.entries(ph.state).map(([k, v]) => `${k}=${v}`).join(' ');
    const busy = stackStatus && stackStatus.endsWith('_IN_PROGRESS') ? `; stack ${stackStatus}` : '';
    const where = ph.name === 'step' ? `at step ${ph.index + 1}/${this.r.steps.length} (${this.r.steps[ph.index]} %)${ph.needsPrepare ? ', new color not serving' : ''}`
      : ph.name === 'rolled-back' && ph.incomplete ? 'rolled-back (a rollback call is still to make)' : ph.name;
    this.say(`${this.r.kind} ${where}; ${s}${busy}`);
  }

  printPlan(ph) {
    this.printStatus(ph);
    const left = remaining(this.r, ph);
    if (!left.length) this.say('dry run: nothing to do');
    for (const a of left) {
      const what = a.action === 'step' ? `step ${a.index + 1}/${this.r.steps.length}, bake ${this.r.bakeSeconds} s` : a.action;
      this.say(`dry run: ${what}${Object.keys(a.values).length ? `: UpdateStack ${describeValues(toParameters(this.r, a.values))}` : ''}`);
    }
    this.log('done', { result: 'dry-run', plan: left });
    return EXIT.ok;
  }

  async abort(ph) {
    if (ph.name === 'done') {
      this.say('refused: the release is done (it is the live version); --abort rolls back only a release in progress');
      this.log('done', { result: 'refused', reason: 'abort of a done release' });
      return EXIT.refused;
    }
    if (ph.name === 'rolled-back') return this.finishRollback(ph);
    const now = this.clock.now();
    return this.rollback('aborted by hand (--abort)', { pollAt: now, sampleAt: null });
  }

  async walk(ph) {
    const r = this.r;
    if (ph.name === 'rolled-back') return this.finishRollback(ph);
    if (ph.name === 'done') {
      this.say('already done: every parameter is at its final value');
      this.log('done', { result: 'already-done' });
      return EXIT.ok;
    }
    if (ph.name === 'baked-final') return this.settle();
    if (r.kind === 'blue-green') {
      if (ph.name === 'not-started' || (ph.name === 'step' && ph.needsPrepare)) {
        if (!(await this.prepare())) return EXIT.refused;
      } else if (ph.name === 'preparing') {
        if (!(await this.waitHealthy())) return EXIT.refused;
      }
    }
    for (let i = ph.name === 'step' ? ph.index : 0; i < r.steps.length; i++) {
      const code = await this.bakeStep(i);
      if (code !== null) return code;
    }
    return this.settle();
  }

  async finishRollback(ph) {
    this.say(`was rolled back (status ${ph.state.status}); nothing to release`);
    for (const values of rollbackRemainder(this.r, ph.state)) await this.update(values, 'finishing the rollback');
    this.log('done', { result: 'rolled-back', reason: 'already rolled back' });
    return EXIT.rolledBack;
  }

  // blue-green: both colors at production capacity, then wait for the new one to be healthy.
  async prepare() {
    this.log('step', { action: 'prepare' });
    await this.update(this.t.prepare, 'prepare');
    return this.waitHealthy();
  }

  async waitHealthy() {
    const { neu, old } = colorsOf(this.r);
    const want = this.r.colors[neu].minHealthy;
    const deadline = this.clock.now() + this.r.healthyWaitSeconds * 1000;
    for (;;) {
      // A failed read counts as not healthy yet: the wait goes on until the deadline.
      const n = await this.healthyCount(neu).catch((e) => { this.say(`prepare: DescribeTargetHealth of ${neu}: ${e.message}`); return 0; });
      if (n >= want) {
        this.say(`prepare: ${neu} has ${n} healthy targets (>= ${want})`);
        this.log('decision', { action: 'prepare', decision: 'pass', healthy: n, minHealthy: want });
        return true;
      }
      if (this.clock.now() >= deadline) {
        const reason = `${neu} has ${n} healthy targets of the ${want} required after ${this.r.healthyWaitSeconds} s`;
        this.say(`REFUSED: ${reason}; serving back to ${old}, status unchanged`);
        this.log('decision', { action: 'prepare', decision: 'refused', reason, healthy: n, minHealthy: want });
        await this.update(this.t.refusePrepare, 'refused');
        this.log('done', { result: 'refused', reason });
        return false;
      }
      this.say(`prepare: ${neu} has ${n}/${want} healthy targets, waiting`);
      await this.clock.sleep(Math.min(this.r.pollSeconds * 1000, deadline - this.clock.now()));
    }
  }

  // The unsafe-sequence guard: no color is given traffic while it has no healthy target.
  async unhealthyTarget(values) {
    if (this.r.kind !== 'blue-green') return null;
    for (const c of ['blue', 'green']) {
      if (!(values[`${c}Weight`] > 0)) continue;
      let n;
      try { n = await this.healthyCount(c); } catch (e) { return `the target health of ${c} is unreadable (${e.message})`; }
      if (n === 0) return `${c} would get weight ${values[`${c}Weight`]} but its target group has 0 healthy targets`;
    }
    return null;
  }

  // Applies and bakes steps[i]; returns null when it passed, else the exit code.
  async bakeStep(i) {
    const r = this.r;
    const values = this.t.step(i);
    const label = `step ${i + 1}/${r.steps.length} (${r.steps[i]} %)`;
    const unsafe = await this.unhealthyTarget(values);
    if (unsafe) {
      this.say(`REFUSED ${label}: ${unsafe}; nothing changed (rerun to resume, or --abort)`);
      this.log('decision', { action: 'step', index: i, decision: 'refused', reason: unsafe });
      this.log('done', { result: 'refused', reason: unsafe });
      return EXIT.refused;
    }
    this.log('step', { action: 'step', index: i, percent: r.steps[i], values });
    let applied;
    try {
      applied = await this.update(values, label);
    } catch (e) {
      if (!(e instanceof UpdateFailedError)) throw e;
      return this.rollback(`${label} could not be applied: ${e.message}`, { pollAt: this.clock.now(), sampleAt: null });
    }
    const start = applied.completedAt;
    const bakeMs = r.bakeSeconds * 1000;
    const holdLimitMs = HOLD_LIMIT_BAKES * Math.max(r.bakeSeconds, r.pollSeconds) * 1000;
    let holdingSince = null;
    // Polls on a fixed cadence from the step's start: the time a poll takes does not push the next one
    // (a breach is seen at most pollSeconds after it shows).
    for (let k = 1; ; k++) {
      await this.clock.sleep(Math.max(0, start + k * r.pollSeconds * 1000 - this.clock.now()));
      const pollAt = this.clock.now();
      const j = await this.evaluate(start, pollAt);
      const elapsed = Math.round((pollAt - start) / 1000);
      const text = `${describe(j.values, r.kind === 'blue-green' ? '5xx' : 'errors')}`;
      this.log('poll', { index: i, elapsedSeconds: elapsed, decision: j.decision, reasons: j.reasons, values: j.values });
      if (j.decision === 'fail') {
        this.say(`${label}: FAIL after ${elapsed} s: ${j.reasons.join('; ')}; ${text}`);
        this.log('decision', { index: i, decision: 'fail', reasons: j.reasons, values: j.values });
        return this.rollback(j.reasons.join('; '), { pollAt, sampleAt: j.breachSampleAt });
      }
      if (j.decision === 'wait') {
        holdingSince ??= pollAt;
        this.say(`bake ${elapsed}/${r.bakeSeconds} s: holding (${j.reasons.join('; ')}): ${text}`);
        if (pollAt - holdingSince >= holdLimitMs) {
          const reason = `not enough requests to decide: held ${Math.round((pollAt - holdingSince) / 1000)} s (${j.reasons.join('; ')})`;
          this.log('decision', { index: i, decision: 'fail', reasons: [reason], values: j.values });
          return this.rollback(reason, { pollAt, sampleAt: null });
        }
        continue;
      }
      holdingSince = null;
      this.say(`bake ${elapsed}/${r.bakeSeconds} s: ${text}`);
      if (pollAt - start >= bakeMs) {
        this.say(`${label}: PASS after ${elapsed} s: ${text}`);
        this.log('decision', { index: i, decision: 'pass', values: j.values });
        return null;
      }
    }
  }

  // One poll: the new side's alarms and the window's metrics, judged. A read that fails is no data
  // (wait), never a pass; the hold limit ends a step that stays blind.
  async evaluate(start, pollAt) {
    let alarms; let s;
    try {
      alarms = this.r.gates.alarms ? await this.readAlarms() : [];
      s = await this.readMetrics(start, pollAt);
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      return { decision: 'wait', reasons: [`metrics or alarms unreadable: ${e.message}`], values: judge({ gates: this.r.gates }).values };
    }
    const canary = sample(s.canary);
    const baseline = sample(s.baseline);
    const j = judge({ canary, baseline, gates: this.r.gates, alarms });
    if (j.decision === 'fail') j.breachSampleAt = this.firstBreach(s, alarms);
    return j;
  }

  // When the breach began, for the gate-to-rollback timing: the earliest of the gate alarms' move to
  // ALARM and the first minute whose cumulative window already failed the metric gates.
  firstBreach(s, alarms) {
    const times = alarms.filter((a) => a.state === 'ALARM' && a.since).map((a) => a.since);
    for (const p of s.canary) {
      const j = judge({ canary: sample(s.canary, p.t), baseline: sample(s.baseline, p.t), gates: this.r.gates });
      if (j.decision === 'fail') { times.push(p.t); break; }
    }
    return times.length ? Math.min(...times) : null;
  }

  async readAlarms() {
    const found = new Map();
    for (let i = 0; i < this.alarmNames.length; i += 100) {
      const AlarmNames = this.alarmNames.slice(i, i + 100);
      let NextToken;
      do {
        const res = await read('DescribeAlarms', this.clients.cw, new DescribeAlarmsCommand({ AlarmNames, AlarmTypes: this.alarmTypes, NextToken }));
        for (const a of [...(res.MetricAlarms || []), ...(res.CompositeAlarms || [])]) {
          const since = a.StateTransitionedTimestamp || a.StateUpdatedTimestamp;
          found.set(a.AlarmName, { name: a.AlarmName, state: a.StateValue, since: since ? new Date(since).getTime() : null });
        }
        NextToken = res.NextToken;
      } while (NextToken);
    }
    return this.alarmNames.map((name) => found.get(name) || { name, state: undefined });
  }

  async readMetrics(start, pollAt) {
    // EndTime a minute ahead: the current minute's datapoints are included (the end is exclusive).
    const input = buildQuery(this.r.kind, this.sides, new Date(start), new Date(pollAt + 60000));
    const results = [];
    let NextToken;
    do {
      const res = await read('GetMetricData', this.clients.cw, new GetMetricDataCommand({ ...input, NextToken }));
      results.push(...(res.MetricDataResults || []));
      NextToken = res.NextToken;
    } while (NextToken);
    return series(this.r.kind, results);
  }

  async rollback(reason, { pollAt, sampleAt }) {
    const r = this.r;
    const [first, ...rest] = this.t.rollback;
    this.say(`ROLLBACK: ${reason}`);
    if (r.kind === 'blue-green') {
      const { old } = colorsOf(r);
      const n = await this.healthyCount(old).catch(() => null);
      // Rolling back is never refused (the new version failed its gates), but say what it walks into.
      if (n === 0) this.say(`WARNING: rolling back to ${old}, whose target group has 0 healthy targets`);
    }
    let res;
    try {
      res = await this.update(first, 'rollback');
    } catch (e) { // the release is not rolled back, and saying so loudly is the one thing left to do
      if (!isAwsFailure(e)) throw e;
      this.say(`ROLLBACK FAILED: ${e.message}`);
      this.log('rollback', { reason, failed: e.message, breachPollAt: iso(pollAt), breachSampleAt: iso(sampleAt) });
      this.log('done', { result: 'rollback-failed', reason });
      return EXIT.rolledBack;
    }
    const sec = (a, b) => (a === null || b === null ? null : Math.round(b - a) / 1000);
    const timings = {
      breachPollAt: iso(pollAt), breachSampleAt: iso(sampleAt), updateCalledAt: iso(res.calledAt), updateCompletedAt: iso(res.completedAt),
      pollToCallSeconds: sec(pollAt, res.calledAt), pollToCompleteSeconds: sec(pollAt, res.completedAt),
      sampleToCallSeconds: sec(sampleAt, res.calledAt), sampleToCompleteSeconds: sec(sampleAt, res.completedAt),
    };
    this.say(`rolled back: breach seen -> UpdateStack call ${timings.pollToCallSeconds} s, -> UPDATE_COMPLETE ${timings.pollToCompleteSeconds} s` +
      (sampleAt === null ? '' : `; first breaching sample -> call ${timings.sampleToCallSeconds} s, -> UPDATE_COMPLETE ${timings.sampleToCompleteSeconds} s`));
    this.log('rollback', { reason, ...timings });
    try {
      for (const values of rest) await this.update(values, 'rollback');
    } catch (e) { // the traffic is back already; what is left is capacity, finished by a rerun
      if (!isAwsFailure(e)) throw e;
      this.say(`rollback call 2 failed: ${e.message}; the traffic is on the old version; rerun to finish the rollback`);
      this.log('done', { result: 'rolled-back', reason, incomplete: e.message });
      return EXIT.rolledBack;
    }
    const clean = await this.driftCheck();
    this.log('done', { result: 'rolled-back', reason, drifted: !clean });
    return EXIT.rolledBack;
  }

  async settle() {
    const action = this.r.kind === 'blue-green' ? 'settle' : 'promote';
    this.log('step', { action });
    await this.update(this.t.settle, action);
    this.say(`done: ${this.r.final.status}`);
    const clean = await this.driftCheck();
    this.log('done', { result: 'done', drifted: !clean });
    return clean ? EXIT.ok : EXIT.refused;
  }

  // The last step of a finished release (done or rolled back): CloudFormation's drift detection must find
  // nothing drifted, since every change was an update of the stack itself. -> false only when it drifted.
  async driftCheck() {
    if (this.options.driftCheck === false) return true;
    const d = await this.stack.detectDrift({ timeoutMs: this.options.driftTimeoutMs });
    if (!d.available) {
      this.say(`drift detection unavailable (${d.reason}); not checked`);
      this.log('drift', { available: false, reason: d.reason });
      return true;
    }
    this.log('drift', { available: true, status: d.status, detection: d.detection, reason: d.reason, drifted: d.drifted });
    if (d.drifted.length) {
      this.say(`DRIFTED: ${d.drifted.map((x) => `${x.logicalId} (${x.type}) ${x.status}${x.differences.length ? `: ${x.differences.join('; ')}` : ''}`).join(', ')}`);
      return false;
    }
    this.say(`drift detection: ${d.status}${d.detection !== 'DETECTION_COMPLETE' ? ` (${d.detection}${d.reason ? `: ${d.reason}` : ''})` : ''}`);
    return true;
  }
}

const iso = (ms) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

module.exports = { Driver, EXIT, HOLD_LIMIT_BAKES };
