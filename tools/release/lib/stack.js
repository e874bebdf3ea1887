'use strict';
// The deployed stack as the driver sees it: its Infra::Releases metadata, parameter values and physical
// ids, and the one way it is changed: UpdateStack of parameter values on the previous template.
const {
  DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, UpdateStackCommand, DescribeStackEventsCommand,
  DetectStackDriftCommand, DescribeStackDriftDetectionStatusCommand, DescribeStackResourceDriftsCommand,
} = require('@aws-sdk/client-cloudformation');
const { MetadataError } = require('./plan');

class UpdateFailedError extends Error {}

// Every capability: the template is the one already deployed, so nothing new is being granted.
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

const inProgress = (status) => status.endsWith('_IN_PROGRESS');

// The stack statuses UpdateStack accepts. Any other final one (UPDATE_ROLLBACK_FAILED, ROLLBACK_COMPLETE
// after a failed create, DELETE_*) needs a human first: found before any change, not at a rollback.
const UPDATABLE = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE'];

// How many times an UpdateStack rejected because another update got in first is retried.
const BUSY_RETRIES = 5;

class Stack {
  // cfn: a CloudFormationClient (or a fake with send); clock: { now() ms, sleep(ms) }; out(line).
  constructor({ cfn, name, clock, out = () => {}, pollMs = 1000 }) {
    Object.assign(this, { cfn, name, clock, out, pollMs });
  }

  async describe() {
    let res;
    try {
      res = await this.cfn.send(new DescribeStacksCommand({ StackName: this.name }));
    } catch (e) {
      if (/does not exist/.test(e.message || '')) throw new MetadataError(`stack ${this.name} does not exist`);
      throw e;
    }
    const stack = res.Stacks && res.Stacks[0];
    if (!stack) throw new MetadataError(`stack ${this.name} does not exist`);
    return stack;
  }

  // Waits out an update someone else started (a cdk deploy, another driver): deciding on parameters
  // that are about to change would act on a stale state.
  async waitStable() {
    let stack = await this.describe();
    if (inProgress(stack.StackStatus)) this.out(`${this.name}: ${stack.StackStatus}, waiting for it to finish`);
    while (inProgress(stack.StackStatus)) {
      await this.clock.sleep(this.pollMs);
      stack = await this.describe();
    }
    return stack;
  }

  // The Infra::Releases entries of the deployed template (TemplateStage Original: what was deployed, as written).
  async releases() {
    const res = await this.cfn.send(new GetTemplateCommand({ StackName: this.name, TemplateStage: 'Original' }));
    let template = res.TemplateBody;
    if (typeof template === 'string') {
      try { template = JSON.parse(template); } catch {
        throw new MetadataError(`stack ${this.name}: the deployed template is not JSON (the synthesized CDK templates are)`);
      }
    }
    let list = template && template.Metadata && template.Metadata['Infra::Releases'];
    if (list === undefined) throw new MetadataError(`stack ${this.name} has no Metadata["Infra::Releases"]: no release is declared in it`);
    if (typeof list === 'string') {
      try { list = JSON.parse(list); } catch { throw new MetadataError(`stack ${this.name}: Metadata["Infra::Releases"] is a string that is not JSON`); }
    }
    if (!Array.isArray(list)) throw new MetadataError(`stack ${this.name}: Metadata["Infra::Releases"] is not an array`);
    return list;
  }

  static parameterValues(stack) {
    const out = {};
    for (const p of stack.Parameters || []) out[p.ParameterKey] = p.ParameterValue;
    return out;
  }

  // Logical id -> physical id of every resource (ListStackResources pages: DescribeStackResources
  // stops at 100 resources, and a web stack has more).
  // The resource types are kept in this.resourceTypes (logical id -> AWS::...::...).
  async physicalIds() {
    const ids = {};
    this.resourceTypes = {};
    let NextToken;
    do {
      const res = await this.cfn.send(new ListStackResourcesCommand({ StackName: this.name, NextToken }));
      for (const r of res.StackResourceSummaries || []) {
        ids[r.LogicalResourceId] = r.PhysicalResourceId;
        this.resourceTypes[r.LogicalResourceId] = r.ResourceType;
      }
      NextToken = res.NextToken;
    } while (NextToken);
    return ids;
  }

  // update({ ParameterName: 'value' }) -> { calledAt, completedAt, noop }: one UpdateStack on the
  // previous template, every other parameter kept, then polled to a final status.
  async update(values) {
    let calledAt;
    for (let attempt = 1; ; attempt++) {
      const stack = await this.waitStable();
      const current = Stack.parameterValues(stack);
      for (const k of Object.keys(values)) {
        if (!(k in current)) throw new MetadataError(`stack ${this.name}: ${k} is not a parameter of the stack`);
      }
      const Parameters = Object.keys(current).map((k) => (k in values
        ? { ParameterKey: k, ParameterValue: values[k] }
        : { ParameterKey: k, UsePreviousValue: true }));
      calledAt = this.clock.now();
      try {
        await this.cfn.send(new UpdateStackCommand({ StackName: this.name, UsePreviousTemplate: true, Parameters, Capabilities: CAPABILITIES }));
        break;
      } catch (e) {
        const msg = e.message || '';
        // The values already are what was asked for (a resumed driver repeating its last call).
        if (/No updates are to be performed/.test(msg)) return { calledAt, completedAt: this.clock.now(), noop: true };
        // Someone else's update started between our wait and our call: wait for it again, not fail.
        if (/_IN_PROGRESS state and can ?not be updated/.test(msg) && attempt < BUSY_RETRIES) continue;
        throw new UpdateFailedError(`stack ${this.name}: UpdateStack ${describeValues(values)} was rejected: ${msg}`);
      }
    }
    let s;
    do {
      await this.clock.sleep(this.pollMs);
      s = await this.describe();
    } while (inProgress(s.StackStatus));
    const completedAt = this.clock.now();
    if (s.StackStatus !== 'UPDATE_COMPLETE') {
      const cause = await this.firstFailure(calledAt);
      throw new UpdateFailedError(`stack ${this.name}: UpdateStack ${describeValues(values)} ended ${s.StackStatus}` +
        `${s.StackStatusReason ? ` (${s.StackStatusReason})` : ''}${cause ? `; first failure: ${cause}` : ''}`);
    }
    return { calledAt, completedAt, noop: false };
  }

  // detectDrift() -> { available: false, reason } | { available: true, status, detection, reason, drifted: [{ logicalId, type,
  // status, differences }] }: CloudFormation's own drift detection of the whole stack, the proof that every
  // resource is what the template and parameters declare. An engine without it (moto) answers "unavailable".
  async detectDrift({ timeoutMs = 10 * 60 * 1000 } = {}) {
    let id;
    try {
      id = (await this.cfn.send(new DetectStackDriftCommand({ StackName: this.name }))).StackDriftDetectionId;
    } catch (e) {
      return { available: false, reason: e.message || String(e) };
    }
    const deadline = this.clock.now() + timeoutMs;
    let st;
    try {
      do {
        await this.clock.sleep(this.pollMs);
        st = await this.cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      } while (st.DetectionStatus === 'DETECTION_IN_PROGRESS' && this.clock.now() < deadline);
    } catch (e) {
      return { available: false, reason: `drift detection ${id} could not be read: ${e.message || e}` };
    }
    if (st.DetectionStatus === 'DETECTION_IN_PROGRESS') return { available: true, status: 'UNKNOWN', detection: 'TIMED_OUT', reason: `no result in ${timeoutMs / 1000} s`, drifted: [] };
    const drifted = [];
    let NextToken;
    do {
      const res = await this.cfn.send(new DescribeStackResourceDriftsCommand({ StackName: this.name, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], NextToken }));
      for (const d of res.StackResourceDrifts || []) {
        drifted.push({
          logicalId: d.LogicalResourceId, type: d.ResourceType, status: d.StackResourceDriftStatus,
          differences: (d.PropertyDifferences || []).map((p) => `${p.PropertyPath} ${p.DifferenceType}: expected ${p.ExpectedValue}, actual ${p.ActualValue}`),
        });
      }
      NextToken = res.NextToken;
    } while (NextToken);
    return { available: true, status: st.StackDriftStatus, detection: st.DetectionStatus, reason: st.DetectionStatusReason, drifted };
  }

  // The first resource failure of this update, for the error message (best effort: the status says enough).
  async firstFailure(since) {
    try {
      const res = await this.cfn.send(new DescribeStackEventsCommand({ StackName: this.name }));
      const failed = (res.StackEvents || [])
        .filter((e) => /_FAILED$/.test(e.ResourceStatus || '') && new Date(e.Timestamp).getTime() >= since - 1000)
        .sort((a, b) => new Date(a.Timestamp) - new Date(b.Timestamp))[0];
      return failed ? `${failed.LogicalResourceId} ${failed.ResourceStatus}: ${failed.ResourceStatusReason || ''}`.trim() : null;
    } catch {
      return null;
    }
  }
}

const describeValues = (values) => Object.entries(values).map(([k, v]) => `${k}=${v}`).join(' ');

module.exports = { Stack, UpdateFailedError, CAPABILITIES, UPDATABLE, describeValues };
