'use strict';
// tools/pr-diff end to end with a real CDK app (aws-cdk-lib 2.276.0, JavaScript, a devDependency
// of tools/cfn-diff, installed in the tools' workspace) in a scratch git repository: each commit edits the app's config.json and
// PR_DIFF_SYNTH_CMD runs the app (CDK_OUTDIR=DIR node app.js, which is what `cdk synth -o DIR`
// does) in each checkout. No AWS account or network is used.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { TOOL_DIR, tmpDir, writeJson, git, initRepo, commitAll, runPrDiff } = require('./helpers');

const FIXTURE = path.join(__dirname, 'fixtures', 'cdk-app');
const root = tmpDir('pr-diff-cdk-test-');
const repo = path.join(root, 'repo');
const tmp = path.join(root, 'tmp');
// aws-cdk-lib for the app in the scratch repository: the node_modules where the tools' workspace put it.
let modules = null;
try {
  modules = path.resolve(require.resolve('aws-cdk-lib/package.json', { paths: [TOOL_DIR] }), '..', '..');
} catch { /* reported by before() */ }
const env = {
  PR_DIFF_SYNTH_CMD: 'CDK_OUTDIR="$1" node app.js',
  NODE_PATH: modules || '',
  TMPDIR: tmp,
};
let base;

function change(branch, edit) {
  git(repo, 'checkout', '-q', '-B', branch, base);
  const file = path.join(repo, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(config);
  writeJson(file, config);
  return commitAll(repo, branch);
}

before(() => {
  if (!modules) throw new Error('aws-cdk-lib is not installed: run `bash tools/install` (the whole workspace, not `cfn-diff` only)');
  fs.mkdirSync(tmp, { recursive: true });
  initRepo(repo);
  for (const f of ['app.js', 'config.json']) fs.copyFileSync(path.join(FIXTURE, f), path.join(repo, f));
  base = commitAll(repo, 'base app');
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('harmless change (tag, stack description): exit 0', () => {
  const head = change('harmless', c => { c.team = 'web'; c.networkDescription = 'network v2'; });
  const r = runPrDiff(repo, [base, head], env);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /No destructive changes/);
  assert.match(r.stdout, /\| updated \| `Logs` \(`Logs[0-9A-F]{8}`\) \| `AWS::S3::Bucket` \| `Tags` \|/);
  assert.match(r.stdout, /### `Network`[\s\S]*Also changed: the template description\./);
});

test('blue/green flip to a target group without servers: rule updated in place, nothing replaced; the downtime gate fails (exit 2)', () => {
  const head = change('flip', c => { c.blueWeight = 0; });
  const json = path.join(root, 'flip.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  // The fixture's green target group has no Auto Scaling group: all traffic would go nowhere.
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /\| downtime risk \(`weight-to-empty-target-group`\) \| `Web` \| `Web\/Green\/Resource` \| listener weight raised to 100 for Web\/Green\/Resource, which has no servers after this change \|/);
  assert.match(r.stdout, /^- downtime: ⛔ \*\*fails\*\*/m);
  assert.doesNotMatch(r.stdout, /\[!CAUTION\]/, 'not destructive: only the risk gate fails');
  const web = JSON.parse(fs.readFileSync(json, 'utf8')).Web;
  assert.deepEqual(web.resources.map(x => [x.type, x.change, x.changedProperties]),
    [['AWS::ElasticLoadBalancingV2::ListenerRule', 'updated', ['Actions']]]);
  assert.match(r.stdout, /\| updated \| `Alb\/Http\/WeightedRule` \(`AlbHttpWeightedRule[0-9A-F]{8}`\) \|/);
});

test('security group widening: shown in the security table; exit 0 only with risk-ack: access', () => {
  const head = change('sg', c => { c.ingressCidrs = ['0.0.0.0/0']; });
  const gated = runPrDiff(repo, [base, head], env);
  assert.equal(gated.status, 2, gated.stderr + gated.stdout);
  assert.match(gated.stdout, /\| broader access \(`security-group-opened`\) \| `Web` \| `Web\/AlbSg\/Resource` \| ingress opened on \$\{AlbSg[0-9A-F]{8}\.GroupId\}: TCP 80 from Everyone \(IPv4\) \|/);
  const r = runPrDiff(repo, ['--risk-ack', 'risk-ack: access', base, head], env);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /#### Security group rule changes/);
  assert.match(r.stdout, /\| `\+` \| `\$\{AlbSg\.GroupId\}` \| `In` \| `TCP 80` \| `Everyone \(IPv4\)` \|/);
});

test('target group port change replaces traffic-path resources: exit 2, exit 0 with --allow-destructive', () => {
  const head = change('port', c => { c.targetPort = 8080; });
  const r = runPrDiff(repo, [base, head], env);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /\| ⛔ \| \*\*replaced\*\* \| `Blue` \(`Blue[0-9A-F]{8}`\) \| `AWS::ElasticLoadBalancingV2::TargetGroup` \| replaced because of `Port` \|/);
  // --allow-destructive accepts the replaced target groups; the new port 8080 opened between the
  // load balancer and the servers is broader access, acknowledged separately.
  const allowed = runPrDiff(repo, ['--allow-destructive', base, head], { ...env, PR_RISK_ACK: 'risk-ack: access' });
  assert.equal(allowed.status, 0, allowed.stderr + allowed.stdout);
  assert.match(allowed.stdout, /\| broader access \(`security-group-opened`\) \| `Web` \| `Web\/Asg\/InstanceSecurityGroup\/Resource` \| ingress opened on \$\{AsgInstanceSecurityGroup[0-9A-F]{8}\.GroupId\}: TCP 8080 from/);
  assert.deepEqual(fs.readdirSync(tmp), []);
});
