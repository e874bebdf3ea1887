'use strict';
// Fast tests of the runner's own logic: no validator runs here.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { globMatch, resourceSpans, logicalIdAt } = require('../lib/util');
const { loadAcks, applyAcks } = require('../lib/acks');
const { discoverTemplates } = require('../lib/discover');
const { parseArgs } = require('../lib/cli');
const { tempDir, writeJson } = require('./helpers');

test('globs: exact names, * and ?, and brackets taken literally', () => {
  assert.ok(globMatch('AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Action::s3:*]'));
  assert.ok(globMatch('*-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS'));
  assert.ok(globMatch('Vpc?ublic*', 'VpcPublicSubnet1'));
  assert.ok(!globMatch('Vpc*', 'MyVpc'));
  assert.ok(!globMatch('CT.EC2.PR.4', 'CT.EC2.PR.40'));
  assert.ok(!globMatch('CT.EC2.PR.4', 'CTxEC2xPRx4'), 'dots are literal');
});

test('resourceSpans ties a character offset to the logical id it sits in', () => {
  const text = JSON.stringify({
    Parameters: { P: { Type: 'String' } },
    Resources: { First: { Type: 'X', Properties: { 'we"ird': ['}', { a: '{' }] } }, Second: { Type: 'Y' } },
    Outputs: { O: { Value: 'Second' } },
  }, null, 1);
  const spans = resourceSpans(text);
  assert.deepEqual(spans.map((s) => `${s.section}.${s.logicalId}`), ['Parameters.P', 'Resources.First', 'Resources.Second', 'Outputs.O']);
  assert.equal(logicalIdAt(spans, text.indexOf('"Y"')), 'Second');
  assert.equal(logicalIdAt(spans, text.indexOf('we\\"ird')), 'First');
  assert.equal(logicalIdAt(spans, text.indexOf('"Outputs"')), '');
  assert.equal(logicalIdAt(spans, text.lastIndexOf('"Second"')), 'O', 'an entry of another section');
  assert.deepEqual(resourceSpans('not json'), []);
});

test('discover: stacks, nested assemblies (stages) and nested-stack templates get stack names', () => {
  const dir = tempDir('discover');
  writeJson(path.join(dir, 'manifest.json'), {
    artifacts: {
      'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      App: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'App.template.json' }, displayName: 'App', dependencies: ['App.assets'] },
      'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
    },
  });
  writeJson(path.join(dir, 'App.assets.json'), { files: { h1: { source: { path: 'AppDataABC.nested.template.json' } }, h2: { source: { path: 'asset.123' } } } });
  writeJson(path.join(dir, 'App.template.json'), { Resources: {} });
  writeJson(path.join(dir, 'AppDataABC.nested.template.json'), { Resources: {} });
  writeJson(path.join(dir, 'asset.123', 'Ignored.template.json'), { Resources: {} });
  writeJson(path.join(dir, 'assembly-Prod', 'manifest.json'), {
    artifacts: { ProdApp1234: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', displayName: 'Prod/App', properties: { templateFile: 'ProdApp1234.template.json', stackName: 'Prod-App' } } },
  });
  writeJson(path.join(dir, 'assembly-Prod', 'ProdApp1234.template.json'), { Resources: {} });
  writeJson(path.join(dir, 'Loose.template.json'), { Resources: {} });
  const ts = discoverTemplates(dir);
  const by = Object.fromEntries(ts.map((t) => [t.rel, t]));
  assert.deepEqual(Object.keys(by).sort(), ['App.template.json', 'AppDataABC.nested.template.json', 'Loose.template.json', 'assembly-Prod/ProdApp1234.template.json']);
  assert.equal(by['App.template.json'].stack, 'App');
  assert.equal(by['App.template.json'].region, undefined, 'environment-agnostic');
  assert.equal(by['AppDataABC.nested.template.json'].stack, 'App/AppDataABC.nested');
  assert.equal(by['AppDataABC.nested.template.json'].parentStack, 'App');
  const prod = by['assembly-Prod/ProdApp1234.template.json'];
  assert.equal(prod.stack, 'Prod/App');
  assert.equal(prod.region, 'eu-west-1');
  assert.ok(prod.stackNames.includes('Prod-App') && prod.stackNames.includes('ProdApp1234'));
  assert.equal(by['Loose.template.json'].stack, 'Loose');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('acknowledgements file: every entry is checked, and a reason is required', () => {
  const dir = tempDir('acks');
  const file = path.join(dir, 'a.json');
  writeJson(file, { acknowledgements: [
    { validator: 'cfn-guard', rule: 'CT.EC2.PR.4', resource: 'Sg', reason: 'short' },
    { validator: 'nope', rule: 'X', resource: 'Y', reason: 'a reason long enough to be accepted here' },
    { validator: 'cdk-nag', rule: '', resource: 'Y', reason: 'a reason long enough to be accepted here', extra: 1 },
    { validator: 'cdk-nag', rule: 'R', resource: 'Y', reason: 'TODO: explain this one properly later on' },
    { validator: 'cdk-nag', rule: 'R', resource: 'Y', reason: 'a reason long enough to be accepted here', expires: 'soon' },
  ] });
  assert.throws(() => loadAcks(file), (e) => {
    for (const m of ['[0]: "reason"', '[1]: "validator"', '[2]: unknown key "extra"', '[2]: "rule"', '[3]: "reason"', '[4]: "expires"']) {
      assert.ok(e.message.includes(m), `missing complaint ${m} in ${e.message}`);
    }
    return true;
  });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('acknowledgement matching: validator + rule (or alias) + resource + stack (+ message); stale and expired', () => {
  const dir = tempDir('acks2');
  const file = path.join(dir, 'a.json');
  const reason = 'accepted by the security review of this fixture';
  writeJson(file, { acknowledgements: [
    { validator: 'cfn-guard', rule: 'vpc_sg_restricted_common_ports_check', resource: 'Sg1', stack: 'Prod/*', reason },
    { validator: 'cdk-nag', rule: '*-EC2RestrictedSSH', resource: ['Sg1', 'Sg2'], reason },
    { validator: 'cfn-lint', rule: 'W3010', resource: '*', reason },
    { validator: 'cfn-guard', rule: 'CT.S3.PR.1', resource: 'Bucket', reason, expires: '2000-01-01' },
    { validator: 'secretlint', rule: '*', resource: 'docs/*', stack: '(repo)', reason },
    { validator: 'cfn-lint', rule: 'E3002', resource: 'Listener*', message: "*'Tags' was unexpected*", reason },
  ] });
  const { acks } = loadAcks(file);
  const f = (validator, rule, logicalId, stackNames, aliases = [], message = '') => ({ validator, rule, aliases, logicalId, stackNames, message, blocking: true });
  const findings = [
    f('cfn-guard', 'CT.EC2.PR.4', 'Sg1', ['Prod/App', 'ProdApp1']),
    f('cfn-guard', 'CT.EC2.PR.4', 'Sg1', ['Dev/App'], ['vpc_sg_restricted_common_ports_check']),
    f('cfn-guard', 'CT.EC2.PR.4', 'Sg1', ['Prod/App'], ['vpc_sg_restricted_common_ports_check']),
    f('cfn-guard', 'CT.EC2.PR.3', 'Sg1', ['Prod/App'], ['vpc_sg_open_only_to_authorized_ports_check']),
    f('cdk-nag', 'HIPAA.Security-EC2RestrictedSSH', 'Sg2', ['App']),
    f('cdk-nag', 'AwsSolutions-EC23', 'Sg2', ['App']),
    f('cfn-guard', 'CT.S3.PR.1', 'Bucket', ['App']),
    f('cfn-lint', 'E3002', 'ListenerHttp', ['App'], [], "Additional properties are not allowed ('Tags' was unexpected)"),
    f('cfn-lint', 'E3002', 'ListenerHttp', ['App'], [], "Additional properties are not allowed ('Bogus' was unexpected)"),
  ];
  const { stale, expired } = applyAcks(findings, acks, { ran: ['cfn-guard', 'cdk-nag', 'cfn-lint', 'secretlint'], repoScanned: false, today: '2026-01-01' });
  assert.deepEqual(findings.map((x) => (x.ack ? x.ack.index : null)), [null, null, 0, null, 1, null, null, 5, null]);
  assert.deepEqual(stale.map((a) => a.index), [2], 'the cfn-lint entry matched nothing; the (repo) one is not judged without --repo');
  assert.deepEqual(expired.map((a) => a.index), [3]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('command line', () => {
  assert.equal(parseArgs([]).cdkOut, 'cdk.out');
  const o = parseArgs(['out', '--repo', '--only=cfn-lint,cfn-guard', '--report', 'r.md']);
  assert.deepEqual([o.cdkOut, o.repo, o.only, o.report], ['out', true, ['cfn-lint', 'cfn-guard'], 'r.md']);
  assert.throws(() => parseArgs(['--only', 'eslint']), /unknown validator/);
  assert.throws(() => parseArgs(['a', 'b']), /unexpected argument/);
});
