'use strict';
// tools/pr-diff end to end on a scratch git repository with real commits. The "app" is a set of
// committed templates and the synth command copies them (PR_DIFF_SYNTH_CMD); see
// pr-diff-cdk.test.js for the same with a real aws-cdk-lib app.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { webTemplate, networkTemplate, tmpDir, writeJson, git, initRepo, commitAll, runPrDiff } = require('./helpers');

const root = tmpDir('pr-diff-test-');
const repo = path.join(root, 'repo');
const tmp = path.join(root, 'tmp'); // TMPDIR of pr-diff: must be empty again after every run
const SYNTH = 'mkdir -p "$1" && cp templates/*.template.json "$1"/';
const env = { PR_DIFF_SYNTH_CMD: SYNTH, TMPDIR: tmp };
let base;

const tpl = name => path.join(repo, 'templates', `${name}.template.json`);
const readTpl = name => JSON.parse(fs.readFileSync(tpl(name), 'utf8'));

/** Branch off base, apply `edit`, commit; returns the commit. */
function change(branch, edit) {
  git(repo, 'checkout', '-q', '-B', branch, base);
  edit();
  return commitAll(repo, branch);
}
function editWeb(fn) {
  const t = readTpl('Web');
  fn(t);
  writeJson(tpl('Web'), t);
}
function assertCleanedUp() {
  assert.deepEqual(fs.readdirSync(tmp), [], 'temp dirs removed');
  const worktrees = git(repo, 'worktree', 'list', '--porcelain').split('\n').filter(l => l.startsWith('worktree '));
  assert.equal(worktrees.length, 1, `only the main worktree is left: ${worktrees}`);
}

before(() => {
  fs.mkdirSync(tmp, { recursive: true });
  initRepo(repo);
  writeJson(tpl('Web'), webTemplate());
  writeJson(tpl('Network'), networkTemplate());
  fs.writeFileSync(path.join(repo, 'README.md'), 'scratch app for pr-diff tests\n');
  base = commitAll(repo, 'base');
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('harmless change (tag, description): exit 0, shown as updated', () => {
  const head = change('harmless', () => editWeb(t => {
    t.Description = 'web tier, v2';
    t.Resources.Bucket.Properties.Tags[0].Value = 'web';
  }));
  const r = runPrDiff(repo, [base, head], env);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^## CloudFormation diff: `[0-9a-f]{10}` → `[0-9a-f]{10}`$/m);
  assert.match(r.stdout, /No destructive changes/);
  assert.match(r.stdout, /\|\s+\| updated \| `Logs` \(`Bucket`\) \| `AWS::S3::Bucket` \| `Tags` \|/);
  assert.match(r.stdout, /Unchanged: `Network`/);
  assert.match(r.stdout, /Also changed: the template description\./);
  assert.doesNotMatch(r.stdout, /⛔/);
  assertCleanedUp();
});

test('security group widening: security table; the access gate fails (exit 2) unless the PR acknowledges it', () => {
  const head = change('sg-widen', () => editWeb(t => { t.Resources.AlbSg.Properties.SecurityGroupIngress[0].CidrIp = '0.0.0.0/0'; }));
  const gated = runPrDiff(repo, [base, head], env);
  assert.equal(gated.status, 2, gated.stderr + gated.stdout);
  assert.match(gated.stdout, /^- access: ⛔ \*\*fails\*\* — broader access: 1 finding\(s\)$/m);
  assert.match(gated.stdout, /\| broader access \(`security-group-opened`\) \| `Web` \| `Web\/AlbSg\/Resource` \| ingress opened on \$\{AlbSg\.GroupId\}: TCP 443 from Everyone \(IPv4\) \|/);
  // The workflow passes the pull request body: a "risk-ack: access" line anywhere in it.
  const r = runPrDiff(repo, [base, head], { ...env, PR_RISK_ACK: 'Opens the ALB to the internet.\r\n\r\nrisk-ack: access\r\n' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^- access: ✅ acknowledged \(`risk-ack`\)/m);
  assert.match(r.stdout, /#### Security group rule changes/);
  assert.match(r.stdout, /\| `\+` \| `\$\{AlbSg\.GroupId\}` \| `In` \| `TCP 443` \| `Everyone \(IPv4\)` \|/);
  assert.match(r.stdout, /\| `-` \| `\$\{AlbSg\.GroupId\}` \| `In` \| `TCP 443` \| `10\.0\.0\.0\/8` \|/);
  assert.match(r.stdout, /\| `Web` \| changed \| 0 \| 1 \| 0 \| 0 \|  \|  \| yes \|/);
  assertCleanedUp();
});

test('IAM widening: IAM statement table, an access finding, exit 2 (not acknowledged)', () => {
  const head = change('iam-widen', () => editWeb(t => { t.Resources.Policy.Properties.PolicyDocument.Statement[0].Action = 's3:*'; }));
  const r = runPrDiff(repo, ['--risk-ack', 'risk-ack: cost', base, head], env);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /\| broader access \(`iam-statement-added`\) \| `Web` \| `IAM` \| new allow: actions s3:\* on arn:aws:s3:::example-bucket\/\* for AWS:\$\{Role\} \|/);
  assert.match(r.stdout, /#### IAM statement changes/);
  assert.match(r.stdout, /\| `\+` \| `arn:aws:s3:::example-bucket\/\*` \| `Allow` \| `s3:\*` \|/);
});

test('replacing a traffic-path resource: marked, exit 2; exit 0 when allowed', () => {
  const head = change('replace-tg', () => editWeb(t => { t.Resources.BlueTg.Properties.Port = 8080; }));
  const md = path.join(root, 'out', 'report.md');
  const json = path.join(root, 'out', 'report.json');
  const r = runPrDiff(repo, ['--markdown-out', md, '--json-out', json, base, head], env);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /\[!CAUTION\]/);
  assert.match(r.stdout, /\| ⛔ \| \*\*replaced\*\* \| `Blue` \(`BlueTg`\) \| `AWS::ElasticLoadBalancingV2::TargetGroup` \| replaced because of `Port` \|/);
  assert.equal(fs.readFileSync(md, 'utf8'), r.stdout);
  const j = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.equal(j.Web.resources.find(x => x.logicalId === 'BlueTg').change, 'replaced');
  assertCleanedUp();

  const allowed = runPrDiff(repo, ['--allow-destructive', base, head], env);
  assert.equal(allowed.status, 0, allowed.stderr);
  assert.match(allowed.stdout, /\[!WARNING\]/);
  assert.match(allowed.stdout, /⛔/);

  const byEnv = runPrDiff(repo, [base, head], { ...env, PR_DIFF_ALLOW_DESTRUCTIVE: 'true' });
  assert.equal(byEnv.status, 0, byEnv.stderr);
});

test('new stack and removed stack', () => {
  const head = change('stacks', () => {
    fs.rmSync(tpl('Network'));
    writeJson(tpl('Queue'), { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } });
  });
  const r = runPrDiff(repo, [base, head], env);
  assert.equal(r.status, 2, 'removing the VPC stack is destructive');
  assert.match(r.stdout, /### `Queue`\n\n_New stack/);
  assert.match(r.stdout, /### `Network`\n\n_Stack removed/);
  assert.match(r.stdout, /\| ⛔ \| removed \| `Vpc` \(`Vpc`\) \| `AWS::EC2::VPC` \|/);
  assert.match(r.stdout, /\| `Queue` \| new \| 1 \| 0 \| 0 \| 0 \|/);
});

test('HEAD omitted: the working tree, uncommitted edits included', () => {
  git(repo, 'checkout', '-q', '-B', 'wt', base);
  editWeb(t => { t.Resources.Asg.Properties.MinSize = '2'; });
  try {
    const r = runPrDiff(repo, [base], env);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, / → `working tree`/);
    assert.match(r.stdout, /\| updated \| `Asg\/ASG` \(`Asg`\) \| `AWS::AutoScaling::AutoScalingGroup` \| `MinSize` \|/);
  } finally {
    git(repo, 'checkout', '-q', '--', '.');
  }
  assertCleanedUp();
});

test('default synth command: bash tools/synth --output DIR; a base without it has no stacks', () => {
  const head = change('with-synth', () => {
    fs.mkdirSync(path.join(repo, 'tools'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'tools', 'synth'), [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      '[ "$1" = --output ] || { echo "usage: tools/synth --output DIR" >&2; exit 64; }',
      'mkdir -p "$2" && cp templates/*.template.json "$2"/',
      '',
    ].join('\n'));
  });
  // Every stack is new: its IAM statements are new access and its cost is new (acknowledged here).
  const r = runPrDiff(repo, [base, head], { TMPDIR: tmp, PR_RISK_ACK: 'risk-ack: access, cost' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /the base has no tools\/synth; treating it as having no stacks/);
  assert.match(r.stdout, /\| `Network` \| new \|/);
  assert.match(r.stdout, /\| `Web` \| new \|/);
  // ... and a head without tools/synth is an error
  const noSynth = runPrDiff(repo, [head, base], { TMPDIR: tmp });
  assert.equal(noSynth.status, 1);
  assert.match(noSynth.stderr, /has no tools\/synth/);
  assertCleanedUp();
});

test('tool errors exit 1: unknown ref, failing synth, bad option', () => {
  const badRef = runPrDiff(repo, ['no-such-ref', base], env);
  assert.equal(badRef.status, 1);
  assert.match(badRef.stderr, /unknown git ref: no-such-ref/);

  const failing = runPrDiff(repo, [base, base], { ...env, PR_DIFF_SYNTH_CMD: 'echo synth-went-boom >&2; exit 3' });
  assert.equal(failing.status, 1);
  assert.match(failing.stderr, /synth base failed \(exit 3\)/);
  assert.match(failing.stderr, /synth-went-boom/);

  const badOpt = runPrDiff(repo, ['--frobnicate', base], env);
  assert.equal(badOpt.status, 1);
  assertCleanedUp();
});

test('no changes at all: exit 0', () => {
  const r = runPrDiff(repo, [base, base], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No changes in 2 stack\(s\)/);
});
