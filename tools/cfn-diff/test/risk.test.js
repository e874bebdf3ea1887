'use strict';
// The deploy-safety classifiers (lib/risk/*.js), each on hand-made before/after templates, and the gates.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { classifyTemplates } = require('../lib/classify');
const { classifyRisks } = require('../lib/risk');
const { evaluateGates, parseAcks, loadGates } = require('../lib/risk-report');
const { clone, webTemplate } = require('./helpers');

function risks(oldT, newT, extra = {}) {
  const { result, diff, paths } = classifyTemplates(oldT, newT);
  return classifyRisks({ oldTemplate: oldT, newTemplate: newT, result, diff, paths, ...extra });
}
const rules = fs => fs.map(f => `${f.category}:${f.rule}`).sort();

/** The web template with a green fleet of `greenMin` servers and blue/green weights. */
function fleets({ blueWeight = 100, greenMin = 0 } = {}) {
  const t = webTemplate();
  t.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups[0].Weight = blueWeight;
  t.Resources.Rule.Properties.Actions[0].ForwardConfig.TargetGroups[1].Weight = 100 - blueWeight;
  t.Resources.GreenAsg = clone(t.Resources.Asg);
  t.Resources.GreenAsg.Properties.MinSize = String(greenMin);
  t.Resources.GreenAsg.Properties.TargetGroupARNs = [{ Ref: 'GreenTg' }];
  return t;
}

test('no change: no finding', () => {
  assert.deepEqual(risks(webTemplate(), webTemplate()), []);
});

test('downtime: flip-while-cold when the weight moves to a fleet going 0 -> 2 in the same change', () => {
  const f = risks(fleets({ greenMin: 0 }), fleets({ blueWeight: 0, greenMin: 2 }));
  assert.deepEqual(rules(f), ['downtime:flip-while-cold']);
  assert.match(f[0].message, /weight raised to 100 for Web\/Green\/Resource while its fleet goes from 0 to 2 server/);
  assert.match(f[0].rollback, /^reverse this change/);
});

test('downtime: a warm fleet gets the weight: no finding; an empty one: weight-to-empty-target-group', () => {
  assert.deepEqual(risks(fleets({ greenMin: 1 }), fleets({ blueWeight: 0, greenMin: 1 })), []);
  assert.deepEqual(rules(risks(fleets({ greenMin: 0 }), fleets({ blueWeight: 0, greenMin: 0 }))), ['downtime:weight-to-empty-target-group']);
  // DesiredCapacity counts over MinSize
  const cold = fleets({ greenMin: 0 });
  const warm = fleets({ blueWeight: 0, greenMin: 0 });
  warm.Resources.GreenAsg.Properties.DesiredCapacity = '3';
  assert.deepEqual(rules(risks(cold, warm)), ['downtime:flip-while-cold']);
});

test('downtime: a traffic-path resource replaced, and servers replaced by a new image', () => {
  const newT = webTemplate();
  newT.Resources.BlueTg.Properties.Port = 8080;
  const f = risks(webTemplate(), newT);
  assert.ok(f.some(x => x.rule === 'traffic-path-replaced' && x.resource === 'Web/Blue/Resource' && /replaced \(because of Port\)/.test(x.message)), JSON.stringify(f));
  const lt = t => {
    t.Resources.Lt = { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { ImageId: 'ami-0a', InstanceType: 't3.small' } } };
    t.Resources.Asg.Properties.LaunchTemplate = { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' };
    t.Resources.Asg.UpdatePolicy = { AutoScalingRollingUpdate: { MaxBatchSize: 1 } };
    return t;
  };
  const after = lt(webTemplate());
  after.Resources.Lt.Properties.LaunchTemplateData.ImageId = 'ami-0b';
  const s = risks(lt(webTemplate()), after);
  assert.deepEqual(rules(s), ['downtime:servers-replaced']);
  assert.match(s[0].message, /servers of Web\/Asg replaced \(image\): 1 server\(s\) at its minimum, by rolling-update/);
});

test('access: new IAM action, security group opened, KMS key policy and secret resource policy widened (all through the engine)', () => {
  const newT = webTemplate();
  newT.Resources.Policy.Properties.PolicyDocument.Statement[0].Action = 's3:*';
  newT.Resources.AlbSg.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' });
  const key = st => ({ Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: st } } });
  const root = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' };
  const oldT = webTemplate();
  oldT.Resources.Key = key([root]);
  newT.Resources.Key = key([root, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' }]);
  const secretPolicy = st => ({ Type: 'AWS::SecretsManager::ResourcePolicy', Properties: { SecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app', ResourcePolicy: { Version: '2012-10-17', Statement: st } } });
  const deny = { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111111111111' } } };
  oldT.Resources.SecretPolicy = secretPolicy([deny]);
  newT.Resources.SecretPolicy = secretPolicy([deny, { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
  const f = risks(oldT, newT);
  assert.deepEqual(rules(f), ['access:iam-statement-added', 'access:iam-statement-added', 'access:iam-statement-added', 'access:security-group-opened']);
  assert.match(f.find(x => x.rule === 'security-group-opened').message, /TCP 22 from Everyone \(IPv4\)/);
  assert.ok(f.some(x => x.rule === 'iam-statement-added' && /actions kms:Decrypt on \S+ for AWS:\*/.test(x.message)), 'the key policy, through the engine');
  assert.ok(f.some(x => x.rule === 'iam-statement-added' && /actions secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:111111111111:secret:app for AWS:arn:aws:iam::222222222222:root/.test(x.message)), 'the secret policy, through the engine');
  // Narrowing is not broader access
  assert.deepEqual(risks(newT, oldT).filter(x => x.category === 'access'), []);
});

test('data: a bucket replaced (deleted with it), a retained one removed, retention lowered, protections off', () => {
  const oldT = webTemplate();
  oldT.Resources.Plain = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } };
  oldT.Resources.LogGroup = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };
  oldT.Resources.Alb.Properties.LoadBalancerAttributes = [{ Key: 'deletion_protection.enabled', Value: 'true' }];
  const newT = clone(oldT);
  newT.Resources.Plain.Properties.BucketName = 'b';
  delete newT.Resources.Bucket;
  newT.Resources.LogGroup.Properties.RetentionInDays = 30;
  newT.Resources.LogGroup.DeletionPolicy = 'Delete';
  newT.Resources.Alb.Properties.LoadBalancerAttributes[0].Value = 'false';
  const f = risks(oldT, newT, { oldStackInfo: { terminationProtection: true }, newStackInfo: { terminationProtection: false } });
  assert.deepEqual(rules(f.filter(x => x.category === 'data')),
    ['data:deletion-protection-off', 'data:retain-policy-dropped', 'data:retention-lowered', 'data:stateful-replaced', 'data:stateful-replaced', 'data:termination-protection-off']);
  const plain = f.find(x => x.rule === 'stateful-replaced' && x.resource === 'Plain');
  assert.equal(plain.rollback, 'not reversible: data lost');
  const kept = f.find(x => x.rule === 'stateful-replaced' && x.resource === 'Web/Logs/Resource');
  assert.match(kept.rollback, /import the retained resource back/);
  assert.match(f.find(x => x.rule === 'retention-lowered').message, /from 365 days to 30 days/);
  // Retention raised: nothing
  assert.deepEqual(risks(newT, oldT).filter(x => x.rule === 'retention-lowered'), []);
});

test('gates: a failing gate, acknowledged by a risk-ack line; ignored rules; the cost threshold', () => {
  const gates = loadGates();
  const f = [{ category: 'access', rule: 'security-group-opened' }, { category: 'downtime', rule: 'servers-replaced' }];
  const v = evaluateGates(f, [], gates);
  assert.deepEqual(v.filter(x => x.failed).map(x => x.gate), ['access'], 'servers-replaced is ignored by the default gates');
  assert.deepEqual(v.find(x => x.gate === 'downtime').notGatedRules, ['servers-replaced'], 'reported as not gated');
  const acked = evaluateGates(f, [], gates, { acks: parseAcks('Why: ...\r\nrisk-ack: access\r\n') });
  assert.deepEqual(acked.filter(x => x.failed), []);
  assert.deepEqual(acked.filter(x => x.acknowledged).map(x => x.gate), ['access']);
  assert.deepEqual([...parseAcks('risk-ack: Cost, access\nrisk-ack: nonsense')].sort(), ['access', 'cost']);
  assert.deepEqual([...parseAcks('no ack: risk-ack: access')], [], 'only a line of its own');
  const cost = c => evaluateGates([], [{ environment: 'Prod', delta: c, percent: c }], gates).find(x => x.gate === 'cost');
  assert.equal(cost(gates.cost.maxIncreasePercent).failed, false);
  assert.equal(cost(gates.cost.maxIncreasePercent + 0.1).failed, true);
  assert.equal(cost(-50).failed, false);
});
