'use strict';
// The memoized resource-model projection must give the very same answers as the engine's own
// database loading (CFN_DIFF_SPEC_CACHE=off).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { webTemplate, networkTemplate, tmpDir, writeJson, runNode } = require('./helpers');

const dir = tmpDir('cfn-spec-cache-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('cached and uncached engine classify a mixed change set identically', () => {
  const t = webTemplate();
  t.Resources.AlbSg.Properties.GroupDescription = 'x';
  t.Resources.AlbSg.Properties.SecurityGroupIngress[0].FromPort = 80;
  t.Resources.Alb.Properties.Scheme = 'internal';
  t.Resources.BlueTg.Properties.HealthCheckPath = '/health';
  t.Resources.Rule.Properties.Priority = 20;
  t.Resources.Asg.Properties.MaxSize = '9';
  t.Resources.Policy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' });
  t.Resources.Bucket.Properties.BucketName = 'renamed-bucket';
  t.Resources.Unknown = { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:f' } };
  t.Resources.Vpc = networkTemplate().Resources.Vpc;
  const a = writeJson(path.join(dir, 'a.json'), webTemplate());
  const b = writeJson(path.join(dir, 'b.json'), t);
  for (const args of [[a, b], ['-', b], [a, '-']]) {
    const cached = runNode('classify.js', args);
    const uncached = runNode('classify.js', args, { env: { CFN_DIFF_SPEC_CACHE: 'off' } });
    assert.equal(cached.status, 0, cached.stderr);
    assert.equal(uncached.status, 0, uncached.stderr);
    assert.deepEqual(cached.json, uncached.json);
  }
});

test('the cache file is the exact projection of the installed spec database', () => {
  const { installSpecCache, projectModel } = require('../lib/spec-cache');
  installSpecCache();
  const diffDir = path.dirname(require.resolve('@aws-cdk/cloudformation-diff/package.json'));
  const cacheDir = path.resolve(diffDir, '..', '..', '.cache', 'cfn-diff');
  const files = fs.readdirSync(cacheDir).filter(f => f.startsWith('resource-models-'));
  assert.ok(files.length >= 1);
  const specDir = path.dirname(require.resolve('@aws-cdk/aws-service-spec/package.json', { paths: [diffDir] }));
  const version = require(path.join(specDir, 'package.json')).version;
  const file = files.find(f => f.startsWith(`resource-models-${version}-`));
  const models = JSON.parse(fs.readFileSync(path.join(cacheDir, file), 'utf8'));
  const db = require(specDir).loadAwsServiceSpecSync();
  for (const type of ['AWS::EC2::SecurityGroup', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::IAM::Policy', 'AWS::Lambda::Permission']) {
    assert.deepEqual(models[type], projectModel(db.lookup('resource', 'cloudFormationType', 'equals', type)[0]), type);
  }
  assert.equal(Object.keys(models).length, new Set(db.all('resource').map(r => r.cloudFormationType)).size);
});
