'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Stack, UpdateFailedError, CAPABILITIES } = require('../lib/stack');
const { MetadataError } = require('../lib/plan');
const { FakeWorld, FakeClock, bgRelease, bgParams } = require('./fake-aws');

function world(over = {}) {
  const r = bgRelease();
  const w = new FakeWorld({ releases: [r], params: bgParams(r), ...over });
  const stack = new Stack({ cfn: w.cfn, name: 'Prod-Web', clock: w.clock, pollMs: 1000 });
  return { w, r, stack };
}

test('update: the previous template, the changed parameters, every other UsePreviousValue, every capability', async () => {
  const { w, stack } = world();
  const res = await stack.update({ FleetsServing: 'both' });
  assert.equal(w.calls.length, 1);
  const input = w.calls[0].input;
  assert.equal(input.UsePreviousTemplate, true);
  assert.equal(input.TemplateBody, undefined);
  assert.deepEqual(input.Capabilities, CAPABILITIES);
  assert.deepEqual(CAPABILITIES, ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
  assert.deepEqual(input.Parameters, [
    { ParameterKey: 'FleetsBlueWeight', UsePreviousValue: true },
    { ParameterKey: 'FleetsGreenWeight', UsePreviousValue: true },
    { ParameterKey: 'FleetsServing', ParameterValue: 'both' },
    { ParameterKey: 'FleetsReleaseStatus', UsePreviousValue: true },
    { ParameterKey: 'OtherParam', UsePreviousValue: true },
  ]);
  assert.equal(w.params.FleetsServing, 'both');
  assert.equal(w.params.OtherParam, 'keep');
  // polled every second until UPDATE_COMPLETE (the fake takes 4 s)
  assert.equal(res.noop, false);
  assert.equal(res.completedAt - res.calledAt, 4000);
});

test('update: "No updates are to be performed" is success', async () => {
  const { w, stack } = world();
  const res = await stack.update({ FleetsServing: 'blue' });
  assert.equal(res.noop, true);
  assert.equal(w.calls.length, 1);
  assert.equal(w.status, 'UPDATE_COMPLETE');
});

test('update: UPDATE_ROLLBACK_COMPLETE is a failed update, reported with the stack, the values and the first failure', async () => {
  const { w, stack } = world();
  w.failNextUpdate = true;
  await assert.rejects(stack.update({ FleetsServing: 'both' }), (e) => e instanceof UpdateFailedError
    && /stack Prod-Web: UpdateStack FleetsServing=both ended UPDATE_ROLLBACK_COMPLETE/.test(e.message)
    && /first failure: GreenAsg UPDATE_FAILED: capacity/.test(e.message));
  assert.equal(w.params.FleetsServing, 'blue');
});

test('update: a parameter the stack does not have is named before any call', async () => {
  const { w, stack } = world();
  await assert.rejects(stack.update({ FleetsColour: 'both' }), (e) => e instanceof MetadataError && /stack Prod-Web: FleetsColour is not a parameter of the stack/.test(e.message));
  assert.equal(w.calls.length, 0);
});

test('update waits for an update already in progress before calling', async () => {
  const { w, stack } = world();
  w.startForeignUpdate({ OtherParam: 'deployed' }, 30);
  await stack.update({ FleetsServing: 'both' });
  assert.equal(w.calls[0].at, w.clock.now() - 4000);
  assert.ok(w.calls[0].at >= Date.parse('2026-12-07T06:00:30Z'));
  assert.equal(w.params.OtherParam, 'deployed');
});

test('releases: the Infra::Releases array of the original template (a JSON string body)', async () => {
  const { r, stack, w } = world();
  assert.deepEqual(await stack.releases(), [r]);
  w.template.Metadata['Infra::Releases'] = JSON.stringify([r]);
  assert.deepEqual(await stack.releases(), [r]);
  delete w.template.Metadata['Infra::Releases'];
  await assert.rejects(stack.releases(), /stack Prod-Web has no Metadata\["Infra::Releases"\]/);
  w.template.Metadata['Infra::Releases'] = { id: 'x' };
  await assert.rejects(stack.releases(), /is not an array/);
});

test('releases: a template that is not JSON is a metadata error', async () => {
  const { stack } = world();
  stack.cfn = { send: async () => ({ TemplateBody: 'Resources:\n  A: {}\n' }) };
  await assert.rejects(stack.releases(), (e) => e instanceof MetadataError && /not JSON/.test(e.message));
});

test('physicalIds reads every page of ListStackResources', async () => {
  const { stack } = world();
  const ids = await stack.physicalIds();
  assert.equal(ids.WebLb, 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/prod-web/50dc6c495c0c9188');
  assert.equal(ids.CanaryFn, 'Dev-Api-Canary-3C4D'); // on the second page
});

test('a missing stack is a metadata error naming it', async () => {
  const w = new FakeWorld({ clock: new FakeClock(), releases: [], params: {} });
  const stack = new Stack({ cfn: w.cfn, name: 'Prod-Nope', clock: w.clock });
  await assert.rejects(stack.describe(), (e) => e instanceof MetadataError && e.message === 'stack Prod-Nope does not exist');
});

test('update: rejected because another update got in first, it waits that one out and calls again', async () => {
  const { w, stack } = world();
  const send = w.cfnSend.bind(w);
  let raced = false;
  w.cfnSend = async (name, input) => {
    if (name === 'UpdateStackCommand' && !raced) { raced = true; w.startForeignUpdate({ OtherParam: 'deployed' }, 10); }
    return send(name, input);
  };
  const res = await stack.update({ FleetsServing: 'both' });
  assert.equal(res.noop, false);
  assert.deepEqual(w.calls.map((c) => c.values), [{ FleetsServing: 'both' }]); // the rejected call is not recorded by the fake
  assert.deepEqual([w.params.FleetsServing, w.params.OtherParam], ['both', 'deployed']);
});

test('update: a rejection for another reason is a failed update naming the stack and values', async () => {
  const { w, stack } = world();
  w.cfnSend = async (name) => {
    if (name === 'UpdateStackCommand') throw Object.assign(new Error('Parameter FleetsServing failed to satisfy constraint'), { name: 'ValidationError' });
    return FakeWorld.prototype.cfnSend.call(w, name, { StackName: 'Prod-Web' });
  };
  await assert.rejects(stack.update({ FleetsServing: 'all' }), (e) => e instanceof UpdateFailedError
    && e.message === 'stack Prod-Web: UpdateStack FleetsServing=all was rejected: Parameter FleetsServing failed to satisfy constraint');
});
