'use strict';
// lib/cost.js and cost.js: a small template priced by hand here, a missing price reported (never $0),
// a region without a table, and the price table's own shape (every price cites a source and a date).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { estimateTemplate, estimateStacks, loadPrices, stackRegion, PRICES_DIR } = require('../lib/cost');
const { tmpDir, writeJson, runNode } = require('./helpers');

const dir = tmpDir('cfn-cost-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One fleet of 2 (desired 3) m7g.large with 16 GB gp3, one NAT gateway, one ALB, 3 alarms, 2 keys, 1 secret, 2 log groups, a 2-AZ interface endpoint. */
function small({ instanceType = 'm7g.large' } = {}) {
  return {
    Resources: {
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: instanceType, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16, VolumeType: 'gp3' } }] } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2', MaxSize: '8', DesiredCapacity: '3', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' } } },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
      A1: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      A2: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      A3: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      K1: { Type: 'AWS::KMS::Key', Properties: {} },
      K2: { Type: 'AWS::KMS::Key', Properties: {} },
      S: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      L1: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      L2: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      Ep: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['subnet-a', 'subnet-b'] } },
      S3Ep: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    },
  };
}

// The same prices as tools/cost/prices/us-east-1.json, written out so that the sum below is by hand.
const HAND = {
  hoursPerMonth: 730,
  prices: {
    'ec2.m7g.large': { usd: 0.0816 }, 'natGateway.hour': { usd: 0.045 }, 'alb.hour': { usd: 0.0225 }, 'alb.lcuHour': { usd: 0.008 },
    'ebs.gp3.gbMonth': { usd: 0.08 }, 'cloudwatch.alarm.standard': { usd: 0.10 }, 'cloudwatch.logs.ingestGb': { usd: 0.50 },
    'kms.key': { usd: 1 }, 'secretsManager.secret': { usd: 0.40 }, 'vpcEndpoint.interface.azHour': { usd: 0.01 },
  },
  assumptions: { albLcuPerHour: { value: 1 }, logGbPerLogGroupMonth: { value: 1 } },
  file: 'hand.json',
};

test('a small template, priced by hand: at minimum and at desired capacity', () => {
  const { lines, notEstimated } = estimateTemplate(small(), HAND);
  const min = lines.reduce((s, l) => s + l.min, 0);
  const desired = lines.reduce((s, l) => s + l.desired, 0);
  // EC2 2 × 0.0816 × 730 = 119.136; EBS 2 × 16 × 0.08 = 2.56; NAT 0.045 × 730 = 32.85; ALB 0.0225 × 730 = 16.425
  // + 1 LCU × 0.008 × 730 = 5.84; alarms 3 × 0.10 = 0.30; logs 2 GB × 0.50 = 1.00; keys 2; secret 0.40;
  // interface endpoint 2 AZ × 0.01 × 730 = 14.60; gateway endpoint and Lambda: nothing.
  const byHand = 119.136 + 2.56 + 32.85 + 16.425 + 5.84 + 0.30 + 1.00 + 2 + 0.40 + 14.60;
  assert.ok(Math.abs(min - byHand) < 1e-9, `${min} vs ${byHand}`);
  // Desired 3: one more server and its volume: + 0.0816 × 730 + 16 × 0.08
  assert.ok(Math.abs(desired - (byHand + 59.568 + 1.28)) < 1e-9, `${desired}`);
  assert.deepEqual(notEstimated, ['1 × AWS::Lambda::Function']);
  // Every other type is named as outside the model, never silently $0 (the launch template is priced through its fleet).
  assert.deepEqual(estimateTemplate({ Resources: { R: { Type: 'AWS::ImageBuilder::ImagePipeline' }, Lt: { Type: 'AWS::EC2::LaunchTemplate' } } }, HAND).notModelled,
    ['1 × AWS::ImageBuilder::ImagePipeline']);
  assert.ok(lines.every(l => l.min !== null), 'every line priced');
});

test('a type missing from the table is an unknown line, not $0', () => {
  const { lines } = estimateTemplate(small({ instanceType: 'x9z.huge' }), HAND);
  const ec2 = lines.find(l => l.key === 'ec2.x9z.huge');
  assert.equal(ec2.min, null);
  assert.equal(ec2.desired, null);
  assert.match(ec2.note, /no price for ec2\.x9z\.huge in hand\.json/);
  const env = estimateStacks([{ name: 'Prod-Web', template: small({ instanceType: 'x9z.huge' }) }], {})[0];
  assert.equal(env.unknown, 1, 'only the instance hours: the volumes are gp3, priced');
  assert.ok(env.desired > 0 && env.lines.find(l => l.key === 'ec2.x9z.huge').min === null);
});

test('a region without a price table: every priced item unknown; the stack region wins over --region', () => {
  const [env] = estimateStacks([{ name: 'Dev-Web', template: small() }], { region: 'xx-nowhere-1' });
  assert.equal(env.region, 'xx-nowhere-1');
  assert.equal(env.unknown, env.lines.length);
  assert.equal(env.desired, 0);
  assert.deepEqual(env.priceTables, ['none for xx-nowhere-1']);
  assert.equal(stackRegion({ environment: 'aws://111111111111/us-east-1' }, 'eu-west-1'), 'us-east-1');
  assert.equal(stackRegion({ environment: 'aws://unknown-account/unknown-region' }, 'eu-west-1'), 'eu-west-1');
  assert.equal(stackRegion(null), 'us-east-1');
});

test('the price tables: every price has a number, a unit, a source URL and a date', () => {
  const files = fs.readdirSync(PRICES_DIR).filter(f => f.endsWith('.json'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const t = loadPrices(f.replace(/\.json$/, ''));
    assert.equal(`${t.region}.json`, f);
    for (const [k, p] of Object.entries(t.prices)) {
      assert.equal(typeof p.usd, 'number', `${f} ${k}`);
      assert.ok(p.usd > 0, `${f} ${k}: a price of 0 is never written; leave it out (unknown)`);
      assert.match(p.source, /^https:\/\//, `${f} ${k}`);
      assert.ok(p.date && p.unit, `${f} ${k}`);
    }
    for (const [k, a] of Object.entries(t.assumptions)) assert.ok(typeof a.value === 'number' && a.why, `${f} assumption ${k}`);
  }
});

test('cost.js on a cdk.out: per environment, unknown reported, exit 3; --json', () => {
  const out = path.join(dir, 'cdk.out');
  writeJson(path.join(out, 'Prod-Web.template.json'), small());
  writeJson(path.join(out, 'Prod-Network.template.json'), { Resources: { Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} } } });
  writeJson(path.join(out, 'Dev-Web.template.json'), small({ instanceType: 'x9z.huge' }));
  const r = runNode('cost.js', [out]);
  assert.equal(r.status, 3, r.stderr + r.stdout);
  assert.match(r.stdout, /^\| Prod \| us-east-1 \| \$\d+\.\d\d \| \$\d+\.\d\d \|  \|$/m);
  assert.match(r.stdout, /^\| Dev \| us-east-1 \| \$\d+\.\d\d \+ 1 unknown \|/m);
  assert.match(r.stdout, /no price for ec2\.x9z\.huge in us-east-1\.json/);
  assert.match(r.stdout, /albLcuPerHour = 1/);
  const j = runNode('cost.js', ['--json', '--region', 'us-east-1', out]);
  assert.equal(j.status, 3);
  const prod = j.json.find(e => e.environment === 'Prod');
  // Prod-Web as by hand at desired, plus Prod-Network's NAT gateway, with the repository's table.
  assert.ok(Math.abs(prod.desired - (119.136 + 2.56 + 32.85 + 16.425 + 5.84 + 0.30 + 1.00 + 2 + 0.40 + 14.60 + 59.568 + 1.28 + 32.85)) < 1e-9, String(prod.desired));
  assert.equal(runNode('cost.js', ['--bogus']).status, 1);
});

test('a release-mode stack is priced at its declared state: sizes from Fn::If on the parameter Defaults, the same figure as the literal template', () => {
  const { costDelta } = require('../lib/risk-report');
  // Literal: blue serves at 2 (no DesiredCapacity), green idle at 0.
  const lit = small();
  delete lit.Resources.Asg.Properties.DesiredCapacity;
  lit.Resources.GreenAsg = JSON.parse(JSON.stringify(lit.Resources.Asg));
  Object.assign(lit.Resources.GreenAsg.Properties, { MinSize: '0', DesiredCapacity: '0' });
  // Release mode, declaring blue: the sizes follow the serving parameter's Default.
  const rel = JSON.parse(JSON.stringify(lit));
  rel.Parameters = { FleetsServing: { Type: 'String', AllowedValues: ['blue', 'green', 'both'], Default: 'blue' },
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } };
  const serves = c => ({ 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'FleetsServing' }, c] }, { 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'both'] }] });
  rel.Conditions = { FleetsBlueServes1A2B: serves('blue'), FleetsGreenServes3C4D: serves('green') };
  for (const [asg, cond] of [['Asg', 'FleetsBlueServes1A2B'], ['GreenAsg', 'FleetsGreenServes3C4D']]) {
    Object.assign(rel.Resources[asg].Properties, { MinSize: { 'Fn::If': [cond, '2', '0'] }, MaxSize: { 'Fn::If': [cond, '8', '1'] },
      DesiredCapacity: { 'Fn::If': [cond, { Ref: 'AWS::NoValue' }, '0'] } });
  }
  rel.Resources.BlueMorning = { Type: 'AWS::AutoScaling::ScheduledAction', Condition: 'FleetsBlueServes1A2B', Properties: { AutoScalingGroupName: { Ref: 'Asg' }, MinSize: 4 } };
  lit.Resources.BlueMorning = JSON.parse(JSON.stringify(rel.Resources.BlueMorning));
  delete lit.Resources.BlueMorning.Condition;
  // As written, the sizes are not literals: unknown.
  assert.ok(estimateTemplate(rel, HAND).lines.some(l => l.min === null && /MinSize is not a literal/.test(l.note)));
  // At the declared state: the same lines and figure as the literal template (by hand: the small template at 2 servers).
  const [c] = costDelta([{ name: 'Prod-Web', oldTemplate: lit, newTemplate: rel, oldInfo: null, newInfo: null }], { region: 'us-east-1' });
  assert.equal(c.unknown, 0);
  assert.equal(c.delta, 0);
  assert.ok(Math.abs(c.head.desired - c.base.desired) < 1e-9 && c.head.desired > 0);
  assert.deepEqual(c.head.lines, c.base.lines);
  assert.ok(Math.abs(c.head.min - (119.136 + 2.56 + 32.85 + 16.425 + 5.84 + 0.30 + 1.00 + 2 + 0.40 + 14.60)) < 1e-9, String(c.head.min));
  // The same in tools/cost/run (cost.js), which prices a cdk.out at the declared state too.
  const out = path.join(dir, 'cdk.out-release');
  writeJson(path.join(out, 'Prod-Web.template.json'), rel);
  const lits = path.join(dir, 'cdk.out-literal');
  writeJson(path.join(lits, 'Prod-Web.template.json'), lit);
  const a = runNode('cost.js', ['--json', '--region', 'us-east-1', out]);
  const b = runNode('cost.js', ['--json', '--region', 'us-east-1', lits]);
  assert.equal(a.status, 0, a.stderr + a.stdout);
  assert.deepEqual(a.json, b.json);
});
