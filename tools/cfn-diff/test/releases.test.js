'use strict';
// Release-mode stacks (docs/pr-diff.md#releases): risk judged at the declared state, the release line
// of the risk report, and no flip-while-cold for weights that tools/release moves.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { classifyTemplates } = require('../lib/classify');
const { renderRisk, stackRisks, loadGates } = require('../lib/risk-report');
const { releaseChanges } = require('../lib/releases');
const { clone, webTemplate } = require('./helpers');

/** The web template with a green fleet: literal weights and sizes (blue serves with 2, green idle with `greenMin`). */
function literal({ blueWeight = 100, greenMin = 0 } = {}) {
  const t = webTemplate();
  t.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups[0].Weight = blueWeight;
  t.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups[1].Weight = 100 - blueWeight;
  t.Resources.Asg.Properties.MinSize = '2';
  t.Resources.GreenAsg = clone(t.Resources.Asg);
  t.Resources.GreenAsg.Properties.MinSize = String(greenMin);
  t.Resources.GreenAsg.Properties.TargetGroupARNs = [{ Ref: 'GreenTg' }];
  t.Resources.GreenAsg.Metadata = { 'aws:cdk:path': 'Web/GreenAsg/ASG' };
  return t;
}

/** The same stack in release mode, declaring `final` (blue or green) for release `id`. */
function releaseMode({ final = 'green', id = 'prod-2026-12-07', steps = [5, 25, 50, 100] } = {}) {
  const t = literal();
  const blue = final === 'blue' ? 100 : 0;
  t.Parameters = {
    FleetsBlueWeight: { Type: 'Number', Default: blue, MinValue: 0, MaxValue: 100 },
    FleetsGreenWeight: { Type: 'Number', Default: 100 - blue, MinValue: 0, MaxValue: 100 },
    FleetsServing: { Type: 'String', AllowedValues: ['blue', 'green', 'both'], Default: final },
    FleetsReleaseStatus: { Type: 'String', Default: `done:${id}` },
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  };
  const serves = color => ({ 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'FleetsServing' }, color] }, { 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'both'] }] });
  t.Conditions = { FleetsBlueServes8A1B2C3D: serves('blue'), FleetsGreenServes4E5F6A7B: serves('green') };
  const groups = t.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups;
  groups[0].Weight = { Ref: 'FleetsBlueWeight' };
  groups[1].Weight = { Ref: 'FleetsGreenWeight' };
  for (const [asg, cond] of [['Asg', 'FleetsBlueServes8A1B2C3D'], ['GreenAsg', 'FleetsGreenServes4E5F6A7B']]) {
    t.Resources[asg].Properties.MinSize = { 'Fn::If': [cond, '2', '0'] };
    t.Resources[asg].Properties.MaxSize = { 'Fn::If': [cond, '4', '1'] };
    t.Resources[asg].Properties.DesiredCapacity = { 'Fn::If': [cond, { Ref: 'AWS::NoValue' }, '0'] };
  }
  t.Metadata = { 'Infra::Releases': [{
    kind: 'blue-green', id, construct: 'Web/Fleets', steps, bakeSeconds: 600, pollSeconds: 15, healthyWaitSeconds: 900,
    gates: { alarms: true, maxErrorPercent: 1, maxErrorIncreasePoints: 0.5, maxP99Seconds: 2, maxP99Ratio: 1.5, minRequests: 100 },
    parameters: { blueWeight: 'FleetsBlueWeight', greenWeight: 'FleetsGreenWeight', serving: 'FleetsServing', status: 'FleetsReleaseStatus' },
    final: { blueWeight: blue, greenWeight: 100 - blue, serving: final, status: `done:${id}` },
    loadBalancer: 'Alb',
    colors: { blue: { targetGroup: 'BlueTg', autoScalingGroup: 'Asg', minHealthy: 2, alarms: [] }, green: { targetGroup: 'GreenTg', autoScalingGroup: 'GreenAsg', minHealthy: 2, alarms: [] } },
  }] };
  return t;
}

/** One stack the way classifyDirs() gives it to the report. */
function stack(oldT, newT, name = 'Prod-Web') {
  const { result, diff, paths } = classifyTemplates(oldT, newT);
  return { name, displayName: name, result, diff, paths, oldTemplate: oldT, newTemplate: newT, oldInfo: null, newInfo: null };
}
const report = (oldT, newT) => renderRisk([stack(oldT, newT)], { gates: loadGates(), region: 'us-east-1' });

test('the flip without release mode, for comparison: literal weights to a fleet going 0 -> 2 is flip-while-cold', () => {
  const r = report(literal(), literal({ blueWeight: 0, greenMin: 2 }));
  assert.deepEqual(r.findings.map(f => f.rule), ['flip-while-cold']);
  assert.deepEqual(r.releases, []);
});

test('a new release over the previous one: the release line, judged at the declared states, no flip-while-cold, no gate', () => {
  const oldT = releaseMode({ final: 'blue', id: 'prod-2026-11-30' });
  const newT = releaseMode({ final: 'green', id: 'prod-2026-12-07' });
  const r = report(oldT, newT);
  // The templates as written differ only in parameter Defaults and the metadata: the engine sees no resource change.
  assert.deepEqual(stack(oldT, newT).result.resources, []);
  assert.deepEqual(r.findings, [], 'green goes from 0 to 2 servers and weight 100 at the declared states, but tools/release moves it');
  assert.deepEqual(r.failed, []);
  assert.equal(r.releases.length, 1);
  const [note] = r.releases;
  assert.equal(note.from, 'blue 100 % / green 0 % (serving blue)');
  assert.equal(note.to, 'blue 0 % / green 100 % (serving green)');
  assert.equal(note.deployMovesTraffic, false);
  assert.deepEqual(note.notColdFlips, [{ resource: 'Web/Green/Resource', weight: 100, after: 2 }]);
  assert.ok(r.markdown.includes('Releases declared in this change (informational, not gated):'), r.markdown);
  assert.ok(r.markdown.includes('- `Prod-Web`: release `prod-2026-12-07` (blue-green, `Web/Fleets`): traffic blue 100 % / green 0 % (serving blue) → blue 0 % / green 100 % (serving green) '
    + 'moves in steps 5, 25, 50, 100 % by tools/release (bake 600 s each; gates: the new side\'s alarms, errors ≤ 1 % and ≤ the baseline\'s + 0.5 points, '
    + 'p99 ≤ 2 s and ≤ 1.5 × the baseline\'s, at least 100 requests before deciding), not by this deploy: `cdk deploy` keeps the current parameter values. '
    + 'The weight raised to 100 for `Web/Green/Resource` while its fleet goes from 0 to 2 server(s) is not flip-while-cold'), r.markdown);
  assert.match(r.markdown, /- downtime: ✅ passes — downtime risk: 0 finding\(s\)/);
  // The same stacks through stackRisks directly (not yet judged): the same findings.
  assert.deepEqual(stackRisks([stack(oldT, newT)]), []);
});

test('the same release declared again: no line; metadata changed only in steps: a line', () => {
  const t = releaseMode();
  assert.deepEqual(report(t, clone(t)).releases, []);
  const r = report(t, releaseMode({ steps: [10, 100] }));
  assert.equal(r.releases.length, 1);
  assert.match(r.releases[0].text, /traffic blue 0 % \/ green 100 % \(serving green\) → blue 0 % \/ green 100 % \(serving green\) moves in steps 10, 100 %/);
  assert.deepEqual(r.findings, []);
});

test('a literal stack turned to release mode: the weight parameters are new, so this deploy sets the declared state: flip-while-cold stays, and the line says why', () => {
  const r = report(literal(), releaseMode({ final: 'green' }));
  assert.deepEqual(r.findings.map(f => f.rule), ['flip-while-cold']);
  assert.match(r.findings[0].message, /weight raised to 100 for Web\/Green\/Resource while its fleet goes from 0 to 2 server/);
  assert.equal(r.releases.length, 1);
  assert.equal(r.releases[0].deployMovesTraffic, true);
  assert.deepEqual(r.releases[0].newParameters, ['FleetsBlueWeight', 'FleetsGreenWeight']);
  assert.match(r.releases[0].text, /traffic blue 100 % \/ green 0 % → blue 0 % \/ green 100 % \(serving green\) \*\*at this deploy\*\*, not in steps: the stack does not have `FleetsBlueWeight`, `FleetsGreenWeight` yet, so CloudFormation creates them at their Defaults/);
  // Release mode declaring the current state (blue) first: no traffic moves, nothing raised.
  const first = report(literal(), releaseMode({ final: 'blue', id: 'prod-2026-11-30' }));
  assert.deepEqual(first.findings, []);
  assert.match(first.releases[0].text, /traffic blue 100 % \/ green 0 % → blue 100 % \/ green 0 % \(serving blue\) \*\*at this deploy\*\*/);
});

test('a release that declares a weight to a fleet with no servers at its final state: still weight-to-empty-target-group', () => {
  const oldT = releaseMode({ final: 'blue', id: 'prod-2026-11-30' });
  const newT = releaseMode({ final: 'green' });
  newT.Resources.GreenAsg.Properties.MinSize = { 'Fn::If': ['FleetsGreenServes4E5F6A7B', '0', '0'] };
  assert.deepEqual(report(oldT, newT).findings.map(f => f.rule), ['weight-to-empty-target-group']);
});

test('a new release-mode stack: a line saying it is created at its declared state; an api-canary release', () => {
  const created = report(null, releaseMode());
  assert.match(created.releases[0].text, /a new stack, created at its declared final state \(traffic blue 0 % \/ green 100 % \(serving green\)\)/);
  // The API as the constructs write it: the stage serves the backend ApiStageBackend names (default: the canary's).
  const api = (percent, id, withParams = true) => ({
    Parameters: withParams ? {
      ApiCanaryPercent: { Type: 'Number', Default: percent },
      ApiStageBackend: { Type: 'String', AllowedValues: ['canary', 'original'], Default: 'canary' },
      ApiReleaseStatus: { Type: 'String', Default: `done:${id}` },
    } : undefined,
    Conditions: withParams ? { ApiStageServescanary0: { 'Fn::Equals': [{ Ref: 'ApiStageBackend' }, 'canary'] } } : undefined,
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev',
        CanarySetting: withParams ? { PercentTraffic: { Ref: 'ApiCanaryPercent' } } : undefined,
        Variables: withParams ? { 'Fn::If': ['ApiStageServescanary0', { fn: 'canary' }, { fn: 'original' }] } : { fn: 'original' } } },
    },
    Metadata: withParams ? { 'Infra::Releases': [{ kind: 'api-canary', id, construct: 'Dev-Api/Api', steps: [10, 50], bakeSeconds: 300,
      gates: { alarms: true, maxErrorPercent: 1 }, parameters: { percent: 'ApiCanaryPercent', stageBackend: 'ApiStageBackend', status: 'ApiReleaseStatus' },
      final: { percent: 0, stageBackend: 'canary', status: `done:${id}` }, restApi: 'Api', stage: 'dev' }] } : undefined,
  });
  const strip = t => JSON.parse(JSON.stringify(t));
  const r = report(strip(api(0, 'dev-api-2026-11-30')), strip(api(0, 'dev-api-2026-12-07')));
  assert.equal(r.releases.length, 1);
  assert.equal(r.releases[0].text, 'release `dev-api-2026-12-07` (api-canary, `Dev-Api/Api`): traffic dev-api-2026-11-30 promoted (stage on canary, canary 0 %) → dev-api-2026-12-07 promoted (stage on canary, canary 0 %) '
    + 'moves in steps 10, 50 % by tools/release (bake 300 s each; gates: the new side\'s alarms, errors ≤ 1 %), not by this deploy: `cdk deploy` keeps the current parameter values.');
  const first = report(strip(api(0, 'x', false)), strip(api(0, 'dev-api-2026-12-07')));
  assert.equal(first.releases[0].deployMovesTraffic, true);
  assert.match(first.releases[0].text, /traffic canary 0 % → dev-api-2026-12-07 promoted \(stage on canary, canary 0 %\) \*\*at this deploy\*\*/);
  assert.deepEqual(releaseChanges(null, null), []);
});

test('data: a retained bucket removed whose condition is false at the declared state: its policy read from the template as written', () => {
  const oldT = releaseMode();
  oldT.Resources.BlueLogs = { Type: 'AWS::S3::Bucket', Condition: 'FleetsBlueServes8A1B2C3D', Properties: {}, DeletionPolicy: 'Retain' };
  const f = report(oldT, releaseMode()).findings;
  assert.deepEqual(f.map(x => x.rule), ['stateful-replaced']);
  assert.match(f[0].message, /removed \(Retain: the old one is kept/);
});
