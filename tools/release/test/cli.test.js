'use strict';
// The command line: arguments, exit codes, and an AWS error reported with the stack and logged.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn, spawnSync } = require('child_process');

const { parse, runStacks, UsageError } = require('../lib/cli');
const { EXIT } = require('../lib/driver');

const BIN = path.join(__dirname, '..', 'release.js');

function cli(args, env = {}) {
  const base = { ...process.env };
  for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'RELEASE_CLOUDFORMATION_ROLE_ARN']) delete base[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...base, NODE_NO_WARNINGS: '1', ...env }, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help prints the usage and exits 0', () => {
  const r = cli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^usage: tools\/release\/run --stack NAME/);
  assert.match(r.out, /exit: 0 done or nothing to do, 1 rolled back or refused, 2 usage, metadata or AWS error/);
});

test('usage errors exit 2 with the reason and the usage', () => {
  const cases = [
    [[], /--stack NAME is required/],
    [['--stack'], /--stack needs a value/],
    [['--stack', 'A', '--frobnicate'], /unknown argument --frobnicate/],
    [['--stack', 'A', '--poll-seconds', 'soon'], /--poll-seconds soon: a number of seconds >= 0 is required/],
    [['--stack', 'A', '--poll-seconds', '0'], /--poll-seconds must be > 0/],
    [['--stack', 'A', '--stack', 'B', '--release', 'r1', '--region', 'eu-west-1'], /--release ID picks the release of one stack/],
    [['--stack', 'A', '--status', '--abort', '--region', 'eu-west-1'], /exclude each other/],
    [['--stack', 'A'], /no region: give --region or set AWS_REGION/],
    [['--stack', 'A', '--cloudformation-role-arn', 'cdk-deploy-role', '--region', 'eu-west-1'], /--cloudformation-role-arn cdk-deploy-role: an IAM role ARN \(arn:aws:iam::111111111111:role\/NAME\) or auto is required/],
    [['--stack', 'A', '--cloudformation-role-arn', 'arn:aws:iam::1111:role/x', '--region', 'eu-west-1'], /an IAM role ARN/],
    [['--stack', 'A', '--cloudformation-role-arn'], /--cloudformation-role-arn needs a value/],
    [['--stack', 'A', '--cloudformation-role-arn', 'auto', '--qualifier', 'too.long.q', '--region', 'eu-west-1'], /--qualifier too.long.q: the CDK bootstrap qualifier/],
    [['--stack', 'A', '--qualifier', 'prod01', '--region', 'eu-west-1'], /--qualifier names the CDK deploy role of --cloudformation-role-arn auto: give both/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, re, args.join(' '));
    assert.match(r.err, /usage: tools\/release\/run/);
  }
});

test('an AWS error (nothing listening at AWS_ENDPOINT_URL) exits 2 naming the stack, and is logged', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-cli-'));
  const log = path.join(dir, 'events.jsonl');
  // port 9 (discard) on loopback: connection refused, no network involved
  const r = cli(['--stack', 'Prod-Web', '--log', log], {
    AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x',
  });
  assert.equal(r.code, 2);
  assert.match(r.err, /^release: stack Prod-Web: /);
  const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([events.at(-1).event, events.at(-1).stack, events.at(-1).result], ['done', 'Prod-Web', 'error']);
  fs.rmSync(dir, { recursive: true });
});

test('interrupted (SIGINT) mid-call: exit 130, a hint to rerun, and an "interrupted" event', async () => {
  // An endpoint on loopback that never answers: the driver is inside its first AWS call.
  const server = http.createServer(() => {});
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-cli-'));
  const log = path.join(dir, 'events.jsonl');
  const env = { ...process.env, NODE_NO_WARNINGS: '1', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: `http://127.0.0.1:${server.address().port}`, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
  const child = spawn(process.execPath, [BIN, '--stack', 'Prod-Web', '--log', log], { env });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  server.once('request', () => child.kill('SIGINT'));
  const code = await new Promise((r) => child.on('exit', (c) => r(c)));
  server.closeAllConnections(); server.close();
  assert.equal(code, 130);
  assert.match(err, /release: SIGINT: stopped; the release stays where it is: rerun to resume, or --abort to roll back/);
  const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([events.at(-1).event, events.at(-1).stack, events.at(-1).result], ['done', 'Prod-Web', 'interrupted']);
  fs.rmSync(dir, { recursive: true });
});

test('parse: the options, the region from AWS_REGION or AWS_DEFAULT_REGION, --region first', () => {
  assert.deepEqual(parse(['--stack', 'A', '--stack', 'B', '--log', 'f.jsonl', '--poll-seconds', '2', '--bake-seconds', '0'], { AWS_REGION: 'eu-west-1' }),
    { stacks: ['A', 'B'], log: 'f.jsonl', pollSeconds: 2, bakeSeconds: 0, region: 'eu-west-1' });
  assert.equal(parse(['--stack', 'A'], { AWS_DEFAULT_REGION: 'us-east-1' }).region, 'us-east-1');
  assert.equal(parse(['--stack', 'A', '--region', 'ap-south-1'], { AWS_REGION: 'eu-west-1' }).region, 'ap-south-1');
  assert.deepEqual(parse(['--stack', 'A', '--release', 'r1', '--abort'], { AWS_REGION: 'x' }), { stacks: ['A'], releaseId: 'r1', abort: true, region: 'x' });
  assert.throws(() => parse(['--stack', '--status'], {}), UsageError);
  assert.equal(parse(['--stack', 'A', '--healthy-wait-seconds', '30', '--no-drift-check'], { AWS_REGION: 'x' }).healthyWaitSeconds, 30);
  assert.equal(parse(['--stack', 'A', '--no-drift-check'], { AWS_REGION: 'x' }).driftCheck, false);
});

test('parse: --cloudformation-role-arn (ARN or auto, else RELEASE_CLOUDFORMATION_ROLE_ARN) and --qualifier', () => {
  const arn = 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1';
  assert.deepEqual(parse(['--stack', 'A', '--cloudformation-role-arn', 'auto', '--qualifier', 'prod01'], { AWS_REGION: 'eu-west-1' }),
    { stacks: ['A'], cloudFormationRoleArn: 'auto', qualifier: 'prod01', region: 'eu-west-1' });
  assert.equal(parse(['--stack', 'A', '--cloudformation-role-arn', arn], { AWS_REGION: 'x' }).cloudFormationRoleArn, arn);
  assert.equal(parse(['--stack', 'A'], { AWS_REGION: 'x', RELEASE_CLOUDFORMATION_ROLE_ARN: 'auto' }).cloudFormationRoleArn, 'auto');
  assert.equal(parse(['--stack', 'A', '--cloudformation-role-arn', arn], { AWS_REGION: 'x', RELEASE_CLOUDFORMATION_ROLE_ARN: 'auto' }).cloudFormationRoleArn, arn, 'the option wins');
  assert.equal(parse(['--stack', 'A', '--qualifier', 'q1'], { AWS_REGION: 'x', RELEASE_CLOUDFORMATION_ROLE_ARN: 'auto' }).qualifier, 'q1');
  assert.equal('cloudFormationRoleArn' in parse(['--stack', 'A'], { AWS_REGION: 'x', RELEASE_CLOUDFORMATION_ROLE_ARN: '' }), false, 'empty is unset');
  assert.throws(() => parse(['--stack', 'A'], { AWS_REGION: 'x', RELEASE_CLOUDFORMATION_ROLE_ARN: 'role/x' }), /--cloudformation-role-arn role\/x: an IAM role ARN/);
  assert.equal(parse(['--stack', 'A', '--cloudformation-role-arn', 'arn:aws-us-gov:iam::111111111111:role/path/to/r'], { AWS_REGION: 'x' }).cloudFormationRoleArn, 'arn:aws-us-gov:iam::111111111111:role/path/to/r');
});

test('--cloudformation-role-arn auto without an answer from STS exits 2 naming the option, and is logged', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-cli-'));
  const log = path.join(dir, 'events.jsonl');
  const r = cli(['--stack', 'Prod-Web', '--cloudformation-role-arn', 'auto', '--log', log], {
    AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x',
  });
  assert.equal(r.code, 2);
  assert.match(r.err, /^release: --cloudformation-role-arn auto: /);
  const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([events.at(-1).event, events.at(-1).stack, events.at(-1).result], ['done', 'Prod-Web', 'error']);
  fs.rmSync(dir, { recursive: true });
});

test('runStacks: a release stops at the first stack not done; status, dry run and abort go through all', async () => {
  const codes = { A: EXIT.ok, B: EXIT.rolledBack, C: EXIT.ok };
  const walk = async (a) => { const seen = []; const worst = await runStacks(a, async (s) => { seen.push(s); return codes[s]; }, () => {}); return [worst, seen]; };
  const stacks = ['A', 'B', 'C'];
  assert.deepEqual(await walk({ stacks }), [EXIT.rolledBack, ['A', 'B']]);
  assert.deepEqual(await walk({ stacks, abort: true }), [EXIT.rolledBack, ['A', 'B', 'C']]);
  assert.deepEqual(await walk({ stacks, status: true }), [EXIT.rolledBack, ['A', 'B', 'C']]);
  assert.deepEqual(await walk({ stacks: ['A', 'C'] }), [EXIT.ok, ['A', 'C']]);
  const errors = [];
  const worst = await runStacks({ stacks: ['A', 'C'] }, async (s) => { if (s === 'A') throw new Error('boom'); return EXIT.ok; }, (s, e) => errors.push([s, e.message]));
  assert.equal(worst, EXIT.usage);
  assert.deepEqual(errors, [['A', 'boom']]);
});
