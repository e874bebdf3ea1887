'use strict';
// End-to-end: the five validators over a clean template and over planted problems.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');
const {
  runTool, tempDir, copyFixtures, randomAccessKeyId, documentationExampleKeyId, parameterTemplate, writeJson, select,
} = require('./helpers');

const ALL = ['cdk-nag', 'cfn-validate', 'cfn-lint', 'cfn-guard', 'secretlint'];
const cleanups = [];
test.after(() => { for (const d of cleanups) fs.rmSync(d, { recursive: true, force: true }); });

test('a clean small template passes every validator', () => {
  const dir = copyFixtures('clean', tempDir('clean'));
  cleanups.push(dir);
  const r = runTool([dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.json.verdict, 'PASS');
  assert.deepEqual(Object.keys(r.json.validators).sort(), [...ALL].sort());
  for (const v of ALL) {
    assert.equal(r.json.validators[v].ok, true, `${v} ran: ${r.json.validators[v].error || ''}`);
    assert.equal(select(r.json, { validator: v }).length, 0, `${v} has no findings`);
  }
});

test('planted problems are caught by the right validators', async (t) => {
  const dir = copyFixtures('planted', tempDir('planted'));
  cleanups.push(dir);
  const key = randomAccessKeyId();
  writeJson(path.join(dir, 'RandomKey.template.json'), parameterTemplate('LeakyParameter', key, 'Planted problem: an access key id (random, built at test time)'));
  writeJson(path.join(dir, 'ExampleKey.template.json'), parameterTemplate('ExampleParameter', documentationExampleKeyId(), 'The AWS documentation example key id: deliberately not a finding'));
  const r = runTool([dir]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  for (const v of ALL) assert.equal(r.json.validators[v].ok, true, `${v} ran: ${r.json.validators[v].error || ''}`);
  const rules = (where) => [...new Set(select(r.json, where).map((f) => f.rule))].sort();
  // The output names template, logical id, rule and message of each finding.
  assert.match(r.stdout, /BLOCK OpenSsh\.template\.json :: SshFromAnywhere :: CT\.EC2\.PR\.4 :: .*0\.0\.0\.0\/0/);

  await t.test('security group open on port 22 to 0.0.0.0/0', () => {
    for (const id of ['SshFromAnywhere', 'SshFromAnywhereToo']) {
      assert.ok(rules({ validator: 'cfn-guard', logicalId: id }).includes('CT.EC2.PR.4'));
      assert.ok(rules({ validator: 'cfn-guard', logicalId: id }).includes('CT.EC2.PR.3'));
      assert.deepEqual(rules({ validator: 'cdk-nag', logicalId: id }),
        ['AwsSolutions-EC23', 'HIPAA.Security-EC2RestrictedSSH', 'NIST.800.53.R5-EC2RestrictedSSH']);
      assert.deepEqual(rules({ validator: 'cfn-validate', logicalId: id }), ['W2508']);
    }
  });
  await t.test('bucket without default encryption', () => {
    assert.ok(rules({ validator: 'cfn-guard', logicalId: 'PlainBucket' }).includes('CT.S3.PR.10'));
    const nag = rules({ validator: 'cdk-nag', logicalId: 'PlainBucket' });
    assert.ok(nag.includes('HIPAA.Security-S3DefaultEncryptionKMS') && nag.includes('NIST.800.53.R5-S3DefaultEncryptionKMS'), nag.join());
  });
  await t.test('launch template without IMDSv2', () => {
    assert.ok(rules({ validator: 'cfn-guard', logicalId: 'ImdsV1LaunchTemplate' }).includes('CT.EC2.PR.1'));
  });
  await t.test('property of the wrong type', () => {
    assert.ok(rules({ validator: 'cfn-validate', logicalId: 'BadlyTypedGroup' }).includes('F3012'));
    assert.ok(rules({ validator: 'cfn-lint', logicalId: 'BadlyTypedGroup' }).includes('E3012'));
  });
  await t.test('a template cloudformation-include cannot load is a cdk-nag finding', () => {
    const f = select(r.json, { validator: 'cdk-nag', template: 'BrokenRef.template.json' });
    assert.equal(f.length, 1);
    assert.equal(f[0].rule, 'CfnIncludeLoadError');
    assert.equal(f[0].blocking, true);
    assert.ok(rules({ validator: 'cfn-validate', logicalId: 'Topic' }).includes('F1020'));
    assert.ok(rules({ validator: 'cfn-lint', logicalId: 'Topic' }).includes('E1020'));
  });
  await t.test('secret: a random access key id is caught, the documentation example is not', () => {
    const leaked = select(r.json, { validator: 'secretlint', template: 'RandomKey.template.json' });
    assert.equal(leaked.length, 1);
    assert.equal(leaked[0].rule, '@secretlint/secretlint-rule-aws');
    assert.equal(leaked[0].logicalId, 'LeakyParameter');
    assert.equal(select(r.json, { validator: 'secretlint', template: 'ExampleKey.template.json' }).length, 0);
    assert.ok(!r.stdout.includes(key), 'the secret is masked in the output');
  });
  await t.test('the clean parts stay clean', () => {
    assert.equal(select(r.json, { template: 'ExampleKey.template.json' }).length, 0);
    assert.equal(select(r.json, { validator: 'secretlint' }).length, 1);
  });
});

test('an acknowledgement suppresses exactly its rule + resource; unused ones are reported stale', () => {
  const dir = tempDir('ack');
  cleanups.push(dir);
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'planted', 'OpenSsh.template.json'), path.join(dir, 'OpenSsh.template.json'));
  const acks = path.join(dir, 'acks.json');
  const reason = 'Bastion fixture: reviewed, port 22 is closed by a network ACL in front of it';
  writeJson(acks, { acknowledgements: [
    { validator: 'cfn-guard', rule: 'CT.EC2.PR.4', resource: 'SshFromAnywhere', reason },
    { validator: 'cdk-nag', rule: 'AwsSolutions-EC23', resource: 'SshFromAnywhere', stack: 'OpenSsh', reason },
    { validator: 'cfn-guard', rule: 'CT.S3.PR.1', resource: 'NoSuchBucket', reason },
  ] });
  const r = runTool([dir, '--only', 'cfn-guard,cdk-nag', '--acks', acks]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const acked = r.json.findings.filter((f) => f.ack).map((f) => `${f.validator} ${f.rule} ${f.logicalId}`).sort();
  assert.deepEqual(acked, ['cdk-nag AwsSolutions-EC23 SshFromAnywhere', 'cfn-guard CT.EC2.PR.4 SshFromAnywhere']);
  // same rule on the other resource, other rules on the same resource: still blocking
  for (const [v, rule, id] of [['cfn-guard', 'CT.EC2.PR.4', 'SshFromAnywhereToo'], ['cfn-guard', 'CT.EC2.PR.3', 'SshFromAnywhere'],
    ['cdk-nag', 'NIST.800.53.R5-EC2RestrictedSSH', 'SshFromAnywhere']]) {
    const f = select(r.json, { validator: v, rule, logicalId: id });
    assert.equal(f.length, 1);
    assert.ok(!f[0].ack && f[0].blocking, `${v} ${rule} ${id} still blocks`);
  }
  assert.deepEqual(r.json.stale.map((s) => s.index), [2]);
  assert.match(r.stdout, /stale acknowledgements.*\n.*#2 cfn-guard rule=CT\.S3\.PR\.1 resource=NoSuchBucket/);

  // Acknowledge the rest of what cfn-guard finds and the run passes.
  writeJson(acks, { acknowledgements: [
    { validator: 'cfn-guard', rule: ['CT.EC2.PR.3', 'CT.EC2.PR.4'], resource: 'SshFromAnywhere*', reason },
  ] });
  const r2 = runTool([dir, '--only', 'cfn-guard', '--acks', acks]);
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.equal(r2.json.summary[0].acknowledged, 4);
});

test('cdk-nag warnings are reported but do not block', () => {
  const dir = tempDir('warn');
  cleanups.push(dir);
  // A VPC whose default security group CDK cannot close: cdk-nag reports a warning (not an error).
  writeJson(path.join(dir, 'Vpc.template.json'), {
    Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } },
  });
  const r = runTool([dir, '--only', 'cdk-nag']);
  const warnings = select(r.json, { validator: 'cdk-nag', severity: 'warning' });
  assert.ok(warnings.length > 0, 'a warning was reported');
  assert.ok(warnings.every((f) => !f.blocking));
  assert.equal(r.json.summary[0].nonBlocking, warnings.length);
});

test('--repo runs secretlint over the tracked files of the repository only', () => {
  const repo = tempDir('repo');
  cleanups.push(repo);
  const git = (...a) => spawnSync('git', ['-C', repo, ...a], { encoding: 'utf8' });
  git('init', '-q');
  fs.mkdirSync(path.join(repo, 'config'));
  fs.writeFileSync(path.join(repo, 'config', 'app.env'), `AWS_ACCESS_KEY_ID=${randomAccessKeyId()}\n`);
  fs.writeFileSync(path.join(repo, 'README.md'), `Example from the AWS docs: ${documentationExampleKeyId()}\n`);
  // Account ids: placeholders (twelve equal digits, the documentation's 1234...9012) are allowed
  // by .secretlintrc.json, a random one is reported.
  const randomAccount = String(crypto.randomInt(2e11, 9e11)); // twelve digits
  fs.writeFileSync(path.join(repo, 'placeholder.js'), `const env = { account: '${'1'.repeat(12)}' };\nconst doc = { account: '${'123456789012'}' };\n`);
  fs.writeFileSync(path.join(repo, 'real.js'), `const env = { account: '${randomAccount}' };\n`);
  fs.writeFileSync(path.join(repo, 'untracked.env'), `AWS_ACCESS_KEY_ID=${randomAccessKeyId()}\n`);
  git('add', 'config/app.env', 'README.md', 'placeholder.js', 'real.js');
  const dir = copyFixtures('clean', tempDir('repo-cdkout'));
  cleanups.push(dir);
  const r = runTool([dir, '--only', 'secretlint', '--repo-root', repo]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const f = select(r.json, { validator: 'secretlint' });
  assert.deepEqual(f.map((x) => [x.template, x.logicalId, x.stack, x.aliases.includes(`${x.rule}:AWSAccountID`)]).sort(), [
    ['config/app.env', 'config/app.env', '(repo)', false],
    ['real.js', 'real.js', '(repo)', true],
  ]);
  assert.match(r.json.validators.secretlint.meta.scanned, /4 tracked file/);
});

test('the run itself failing exits 2: no assembly, a bad acknowledgements file', () => {
  const empty = tempDir('missing');
  cleanups.push(empty);
  const missing = runTool([path.join(empty, 'cdk.out')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no cloud assembly/);
  const dir = copyFixtures('clean', tempDir('badack'));
  cleanups.push(dir);
  const acks = path.join(dir, 'acks.json');
  writeJson(acks, { acknowledgements: [{ validator: 'cfn-guard', rule: 'X', resource: 'Y' }] });
  const r = runTool([dir, '--acks', acks]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"reason" must explain/);
});
