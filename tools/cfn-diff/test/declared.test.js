'use strict';
// lib/declared.js: a template with every parameter at its Default, on small hand-written templates.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { declaredState, declaredCondition } = require('../lib/declared');

const BOOTSTRAP = { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' };

/** The release-mode shapes of the spec: weights, serving, conditions, a fleet, a schedule, an API stage. */
function release() {
  return {
    Parameters: {
      FleetsBlueWeight: { Type: 'Number', Default: 0, MinValue: 0, MaxValue: 100 },
      FleetsGreenWeight: { Type: 'Number', Default: 100, MinValue: 0, MaxValue: 100 },
      FleetsServing: { Type: 'String', AllowedValues: ['blue', 'green', 'both'], Default: 'green' },
      FleetsReleaseStatus: { Type: 'String', Default: 'done:prod-2026-12-07' },
      ApiCanaryPercent: { Type: 'Number', Default: 0 },
      NoDefault: { Type: 'String' },
      BootstrapVersion: BOOTSTRAP,
    },
    Conditions: {
      FleetsBlueServesA1B2C3: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'blue'] }, { 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'both'] }] },
      FleetsGreenServes: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'green'] }, { 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'both'] }] },
      Promoted: { 'Fn::Equals': [{ Ref: 'FleetsReleaseStatus' }, 'done:prod-2026-12-07'] },
      InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
      FromNoDefault: { 'Fn::Equals': [{ Ref: 'NoDefault' }, 'x'] },
      BlueIdle: { 'Fn::Not': [{ Condition: 'FleetsBlueServesA1B2C3' }] },
      BlueIdleAndPromoted: { 'Fn::And': [{ Condition: 'BlueIdle' }, { Condition: 'Promoted' }] },
      BlueIdleAndUsEast1: { 'Fn::And': [{ Condition: 'BlueIdle' }, { Condition: 'InUsEast1' }] },
      GreenOrUsEast1: { 'Fn::Or': [{ Condition: 'FleetsGreenServes' }, { Condition: 'InUsEast1' }] },
      BlueOrUsEast1: { 'Fn::Or': [{ Condition: 'FleetsBlueServesA1B2C3' }, { Condition: 'InUsEast1' }] },
      Loop: { 'Fn::Not': [{ Condition: 'Loop' }] },
    },
    Resources: {
      Rule: {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: { Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [
          { TargetGroupArn: { Ref: 'BlueTg' }, Weight: { Ref: 'FleetsBlueWeight' } },
          { TargetGroupArn: { Ref: 'GreenTg' }, Weight: { Ref: 'FleetsGreenWeight' } },
        ] } }] },
      },
      BlueAsg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: { 'Fn::If': ['FleetsBlueServesA1B2C3', '2', '0'] },
          MaxSize: { 'Fn::If': ['FleetsBlueServesA1B2C3', '8', '1'] },
          DesiredCapacity: { 'Fn::If': ['FleetsBlueServesA1B2C3', { Ref: 'AWS::NoValue' }, '0'] },
          TargetGroupARNs: [{ Ref: 'BlueTg' }],
        },
      },
      GreenAsg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: { 'Fn::If': ['FleetsGreenServes', '2', '0'] },
          DesiredCapacity: { 'Fn::If': ['FleetsGreenServes', { Ref: 'AWS::NoValue' }, '0'] },
        },
      },
      BlueMorning: { Type: 'AWS::AutoScaling::ScheduledAction', Condition: 'FleetsBlueServesA1B2C3', Properties: { AutoScalingGroupName: { Ref: 'BlueAsg' }, MinSize: 4 } },
      GreenMorning: { Type: 'AWS::AutoScaling::ScheduledAction', Condition: 'FleetsGreenServes', Properties: { AutoScalingGroupName: { Ref: 'GreenAsg' }, MinSize: 4 } },
      Regional: { Type: 'AWS::SNS::Topic', Condition: 'InUsEast1', Properties: {} },
      Stage: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: {
          StageName: 'dev',
          CanarySetting: { PercentTraffic: { Ref: 'ApiCanaryPercent' } },
          Variables: { 'Fn::If': ['Promoted', { lambdaAlias: 'canary' }, { lambdaAlias: 'stable' }] },
        },
      },
    },
    Outputs: {
      BlueOnly: { Condition: 'FleetsBlueServesA1B2C3', Value: 'blue' },
      Status: { Value: { Ref: 'FleetsReleaseStatus' } },
    },
    Rules: { CheckBootstrapVersion: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2'], { Ref: 'BootstrapVersion' }] }] } }] } },
    Metadata: { 'Infra::Releases': [{ kind: 'blue-green', id: 'prod-2026-12-07' }] },
  };
}

test('release mode: weights, sizes, NoValue, conditional resources and the API stage at the Defaults', () => {
  const t = release();
  const before = JSON.stringify(t);
  const d = declaredState(t);
  assert.equal(JSON.stringify(t), before, 'the input is not changed');
  // Number parameters come as CloudFormation passes them: strings.
  assert.deepEqual(d.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups.map(g => g.Weight), ['0', '100']);
  assert.deepEqual(d.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn, { Ref: 'BlueTg' }, 'a Ref to a resource stays');
  // Blue is idle: its sizes from the false branch; green serves: DesiredCapacity removed (NoValue).
  assert.deepEqual(d.Resources.BlueAsg.Properties, { MinSize: '0', MaxSize: '1', DesiredCapacity: '0', TargetGroupARNs: [{ Ref: 'BlueTg' }] });
  assert.deepEqual(d.Resources.GreenAsg.Properties, { MinSize: '2' });
  assert.ok(!('BlueMorning' in d.Resources), 'a resource whose condition is false is removed');
  assert.ok('GreenMorning' in d.Resources, 'one whose condition is true stays');
  assert.ok('Regional' in d.Resources, 'one whose condition is unknown (a pseudo parameter) stays');
  assert.deepEqual(d.Resources.Stage.Properties, { StageName: 'dev', CanarySetting: { PercentTraffic: '0' }, Variables: { lambdaAlias: 'canary' } });
  assert.deepEqual(d.Outputs, { Status: { Value: 'done:prod-2026-12-07' } });
  // Everything but Resources and Outputs is copied as written (CDK's BootstrapVersion and its rule included).
  for (const k of ['Parameters', 'Conditions', 'Rules', 'Metadata']) assert.deepEqual(d[k], t[k], k);
  assert.notEqual(d.Parameters, t.Parameters, 'a copy');
});

test('conditions: Equals, Not, And, Or, Condition references; unknown where a pseudo parameter, a parameter without Default or a cycle decides', () => {
  const t = release();
  const c = name => declaredCondition(t, name);
  assert.equal(c('FleetsBlueServesA1B2C3'), false);
  assert.equal(c('FleetsGreenServes'), true);
  assert.equal(c('BlueIdle'), true);
  assert.equal(c('BlueIdleAndPromoted'), true);
  assert.equal(c('InUsEast1'), null);
  assert.equal(c('FromNoDefault'), null);
  assert.equal(c('BlueIdleAndUsEast1'), null, 'true and unknown');
  assert.equal(c('GreenOrUsEast1'), true, 'true or unknown');
  assert.equal(c('BlueOrUsEast1'), null, 'false or unknown');
  assert.equal(c('Loop'), null);
  assert.equal(c('Missing'), null);
  // Fn::And with a false member is false whatever the others are.
  t.Conditions.BlueAndUsEast1 = { 'Fn::And': [{ Condition: 'FleetsBlueServesA1B2C3' }, { Condition: 'InUsEast1' }] };
  assert.equal(c('BlueAndUsEast1'), false);
  // CloudFormation compares as strings: a Number parameter equals the literal number.
  t.Conditions.GreenFull = { 'Fn::Equals': [{ Ref: 'FleetsGreenWeight' }, 100] };
  assert.equal(c('GreenFull'), true);
});

test('nested Fn::If, NoValue inside arrays and objects, unknown conditions left untouched', () => {
  const t = release();
  t.Resources.Nested = {
    Type: 'Custom::X',
    Properties: {
      Size: { 'Fn::If': ['FleetsGreenServes', { 'Fn::If': ['Promoted', { 'Fn::If': ['BlueIdle', 'nested-yes', 'c'] }, 'b'] }, 'a'] },
      List: ['a', { Ref: 'AWS::NoValue' }, { 'Fn::If': ['BlueIdle', { Ref: 'AWS::NoValue' }, 'x'] }, { 'Fn::If': ['BlueIdle', 'kept', 'y'] }],
      Obj: { Keep: 1, Drop: { Ref: 'AWS::NoValue' }, Inner: { DropToo: { 'Fn::If': ['FleetsGreenServes', { Ref: 'AWS::NoValue' }, 'z'] } } },
      Unknown: { 'Fn::If': ['InUsEast1', { Ref: 'FleetsBlueWeight' }, { Ref: 'AWS::NoValue' }] },
      UnknownInside: { 'Fn::If': ['FleetsGreenServes', { 'Fn::If': ['InUsEast1', 'east', { Ref: 'AWS::NoValue' }] }, 'no'] },
      Missing: { 'Fn::If': ['NotDefined', 'a', 'b'] },
      NoDefault: { Ref: 'NoDefault' },
      Bootstrap: { Ref: 'BootstrapVersion' },
      Pseudo: { Ref: 'AWS::Region' },
      Joined: { 'Fn::Join': ['-', [{ Ref: 'FleetsServing' }, { Ref: 'AWS::StackName' }]] },
      Att: { 'Fn::GetAtt': ['BlueAsg', 'Name'] },
    },
  };
  const p = declaredState(t).Resources.Nested.Properties;
  assert.equal(p.Size, 'nested-yes');
  assert.deepEqual(p.List, ['a', 'kept']);
  assert.deepEqual(p.Obj, { Keep: 1, Inner: {} });
  assert.deepEqual(p.Unknown, t.Resources.Nested.Properties.Unknown, 'an unknown condition: the Fn::If as written, branches included');
  assert.deepEqual(p.UnknownInside, { 'Fn::If': ['InUsEast1', 'east', { Ref: 'AWS::NoValue' }] });
  assert.deepEqual(p.Missing, { 'Fn::If': ['NotDefined', 'a', 'b'] });
  assert.deepEqual(p.NoDefault, { Ref: 'NoDefault' }, 'a parameter without Default stays a Ref');
  assert.deepEqual(p.Bootstrap, { Ref: 'BootstrapVersion' }, 'an SSM parameter is resolved at deploy time: stays a Ref');
  assert.deepEqual(p.Pseudo, { Ref: 'AWS::Region' });
  assert.deepEqual(p.Joined, { 'Fn::Join': ['-', ['green', { Ref: 'AWS::StackName' }]] }, 'Refs inside other intrinsics are resolved, the intrinsic is not evaluated');
  assert.deepEqual(p.Att, { 'Fn::GetAtt': ['BlueAsg', 'Name'] });
});

test('list parameters, a template without parameters, and non-templates', () => {
  const t = {
    Parameters: { Cidrs: { Type: 'CommaDelimitedList', Default: '10.0.0.0/8, 192.168.0.0/16' }, Ports: { Type: 'List<Number>', Default: '80,443' } },
    Resources: { R: { Type: 'Custom::X', Properties: { Cidrs: { Ref: 'Cidrs' }, Ports: { Ref: 'Ports' } } } },
  };
  assert.deepEqual(declaredState(t).Resources.R.Properties, { Cidrs: ['10.0.0.0/8', '192.168.0.0/16'], Ports: ['80', '443'] });
  const literal = { Resources: { A: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2' } } } };
  assert.deepEqual(declaredState(literal), literal, 'a template without parameters or conditions is unchanged');
  assert.equal(declaredState(null), null);
  assert.deepEqual(declaredState({}), {});
});
