'use strict';
// tools/pr-diff end to end on the reference app itself (src/Infra.App, C#): a scratch git repository
// holds the committed tree of this checkout, and each test commit makes one real change of the app;
// pr-diff synthesizes both sides with the default `bash tools/synth` (dotnet build + cdk synth, no
// AWS account). The scratch repository gets hard links to this checkout's installs (node_modules,
// localfeed) as pr-diff gives its worktrees, so nothing is downloaded; each pr-diff run still builds
// the app twice from scratch (about a minute per run on two cores).
//
// Skipped when dotnet is missing, this checkout is not set up (run `bash tools/setup` first), or
// PR_DIFF_APP_TEST=0 (for a quick run of the other suites). PR_DIFF_APP_TEST_SHOW=1 prints the reports.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { REPO_TOOLS_DIR, tmpDir, writeJson, git, initRepo, commitAll, runPrDiff } = require('./helpers');

const SOURCE = path.resolve(REPO_TOOLS_DIR, '..');
const IMAGES = path.join('src', 'Infra.App', 'Config', 'images.json');
const ENVIRONMENTS = path.join('src', 'Infra.App', 'Config', 'Environments.cs');
// The root's install, the tools' workspace (tools/node_modules and each workspace's own) and the feed.
const INSTALLS = ['node_modules', path.join('tools', 'node_modules'), 'localfeed',
  ...fs.readdirSync(path.join(SOURCE, 'tools')).map(d => path.join('tools', d, 'node_modules'))
    .filter(p => fs.existsSync(path.join(SOURCE, p)))];

const missing = (() => {
  if (process.env.PR_DIFF_APP_TEST === '0') return 'PR_DIFF_APP_TEST=0';
  if (spawnSync('dotnet', ['--version'], { encoding: 'utf8' }).status !== 0) return 'dotnet is not installed';
  for (const p of INSTALLS) if (!fs.existsSync(path.join(SOURCE, p))) return `${p} is missing: run bash tools/setup`;
  if (!fs.existsSync(path.join(SOURCE, IMAGES))) return `${IMAGES} is missing`;
  return false;
})();

const root = missing ? null : tmpDir('pr-diff-app-test-');
const repo = root && path.join(root, 'repo');
const tmp = root && path.join(root, 'tmp');
const env = { TMPDIR: tmp };
let base;

const prodRecord = (blue, green) => ({
  blue: { 'eu-west-1': { ami: blue, source: 'test', recorded: '2026-01-01' } },
  green: { 'eu-west-1': { ami: green, source: 'test', recorded: '2026-01-01' } },
});
function editImages(fn) {
  const file = path.join(repo, IMAGES);
  const images = JSON.parse(fs.readFileSync(file, 'utf8'));
  fn(images.environments);
  writeJson(file, images);
}
function show(r) {
  if (process.env.PR_DIFF_APP_TEST_SHOW === '1') process.stderr.write(`${r.stdout}\n`);
}
function change(branch, edit) {
  git(repo, 'checkout', '-q', '-B', branch, base);
  edit();
  return commitAll(repo, branch);
}
/** Replaces one exact text of Environments.cs (which must be there). */
function editEnvironments(from, to) {
  const file = path.join(repo, ENVIRONMENTS);
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text.split(from).length, 2, `exactly one ${JSON.stringify(from)} in Environments.cs`);
  fs.writeFileSync(file, text.replace(from, to));
}
const HOURS = 730;
const PRICES = JSON.parse(fs.readFileSync(path.join(REPO_TOOLS_DIR, 'cost', 'prices', 'us-east-1.json'), 'utf8')).prices;
function assertCleanedUp() {
  // dotnet and the CDK CLI leave their own files in TMPDIR; pr-diff's temp dir must be gone.
  assert.deepEqual(fs.readdirSync(tmp).filter(f => f.startsWith('pr-diff.')), [], 'pr-diff temp dir removed');
  const worktrees = git(repo, 'worktree', 'list', '--porcelain').split('\n').filter(l => l.startsWith('worktree '));
  assert.equal(worktrees.length, 1, `only the main worktree is left: ${worktrees}`);
}

before(() => {
  if (missing) return;
  fs.mkdirSync(tmp, { recursive: true });
  initRepo(repo);
  // The committed app of this checkout (not its uncommitted edits).
  const sourceHead = git(SOURCE, 'rev-parse', 'HEAD');
  const archive = spawnSync('bash', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'x', SOURCE, sourceHead, repo], { encoding: 'utf8' });
  assert.equal(archive.status, 0, archive.stderr);
  for (const p of INSTALLS) {
    const cp = spawnSync('cp', ['-al', path.join(SOURCE, p), path.join(repo, p)], { encoding: 'utf8' });
    assert.equal(cp.status, 0, cp.stderr);
  }
  // As pr-diff does for its worktrees: the root's lockfile is not newer than the linked install
  // (tools/install compares the lock's hash, not times).
  const stamp = fs.statSync(path.join(SOURCE, 'node_modules', '.package-lock.json')).mtime;
  fs.utimesSync(path.join(repo, 'package-lock.json'), stamp, stamp);
  // Base: both prod colors recorded (blue is live, green idle: Config/Environments.cs).
  editImages(envs => { envs.prod = prodRecord('ami-0b1b1b1b1b1b1b1b1', 'ami-0a0a0a0a0a0a0a0a0'); });
  base = commitAll(repo, 'reference app, prod images recorded');
});
after(() => { if (root) fs.rmSync(root, { recursive: true, force: true }); });

test('a new image for the idle color only: the report names only its fleet, exit 0', { skip: missing }, () => {
  const head = change('green-image', () => editImages(envs => { envs.prod.green['eu-west-1'].ami = 'ami-0c0c0c0c0c0c0c0c0'; }));
  assert.deepEqual(git(repo, 'diff', '--name-only', base, head).split('\n'), [IMAGES.split(path.sep).join('/')]);
  const json = path.join(root, 'green-image.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  show(r);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /No destructive changes/);
  assert.match(r.stdout, /^### Servers replaced$/m);
  const lines = r.stdout.split('\n').filter(l => /replaces the servers of|changes the launch template of/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /^- \*\*replaces the servers of `Prod-Web\/Fleets\/Green` \(green\)\*\* — image \(mapping `[A-Za-z0-9]+`: eu-west-1\); 1 server at its minimum; instance refresh \(Rolling\): at least 100% healthy, at most 200%\.$/);
  assert.doesNotMatch(r.stdout, /servers of `[^`]*Blue`/);
  // The engine alone sees only a mapping change: no resource of Prod-Web changes.
  const out = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.deepEqual(out['Prod-Web'].resources, []);
  assert.deepEqual(out['Prod-Web'].serversReplaced.map(x => [x.fleet, x.color, x.parts, x.minSize, x.updatePolicy.kind]),
    [['Prod-Web/Fleets/Green', 'green', ['image'], 1, 'instance-refresh']]);
  for (const [name, s] of Object.entries(out)) if (name !== 'Prod-Web' && !name.startsWith('$')) assert.deepEqual(s.serversReplaced, [], name);
  // Deploy risk: the servers replaced are reported with the fleet's minimum, and do not fail the
  // downtime gate (risk-gates.json ignores servers-replaced); the cost does not change.
  assert.match(r.stdout, /^\| downtime risk \(`servers-replaced`\) \| `Prod-Web` \| `Prod-Web\/Fleets\/Green` \| servers of Prod-Web\/Fleets\/Green \(green\) replaced \(image\): 1 server\(s\) at its minimum, by instance-refresh \| reverse this change/m);
  assert.deepEqual(out['$risk'].gates.filter(g => g.failed), []);
  assert.ok(out['$risk'].costs.every(c => c.delta === 0), JSON.stringify(out['$risk'].costs));
  assertCleanedUp();
});

test('a change with nothing image-related (a scaling schedule): no server line', { skip: missing }, () => {
  const head = change('schedule', () => {
    const file = path.join(repo, ENVIRONMENTS);
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace('Cron = "0 20 * * *"', 'Cron = "0 21 * * *"');
    assert.notEqual(edited, text, 'the prod after-hours schedule is in Environments.cs');
    fs.writeFileSync(file, edited);
  });
  const json = path.join(root, 'schedule.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  show(r);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /\| updated \| `[^`]*ScheduledActionafter-hours[^`]*` \(`[^`]+`\) \| `AWS::AutoScaling::ScheduledAction` \| `Recurrence` \|/);
  assert.doesNotMatch(r.stdout, /Servers replaced|replaces the servers|changes the launch template of/);
  for (const [name, s] of Object.entries(JSON.parse(fs.readFileSync(json, 'utf8')))) if (!name.startsWith('$')) assert.deepEqual(s.serversReplaced, [], name);
  assertCleanedUp();
});

test('a blue/green flip in dev, whose idle color is scaled to zero: flip-while-cold, the downtime gate fails (exit 2); the new live color may signal CloudFormation (access)', { skip: missing }, () => {
  const head = change('dev-flip', () => editEnvironments(
    'Traffic = new TrafficPlan { ActiveColor = TrafficColor.Blue, CanaryPercent = 0, IdleCapacity = IdleCapacity.ScaleToZero }',
    'Traffic = new TrafficPlan { ActiveColor = TrafficColor.Green, CanaryPercent = 0, IdleCapacity = IdleCapacity.ScaleToZero }'));
  const json = path.join(root, 'dev-flip.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  show(r);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /No destructive changes/, 'the flip replaces nothing: only the risk gate fails');
  assert.match(r.stdout, /^\| downtime risk \(`flip-while-cold`\) \| `Dev-Web` \| `Dev-Web\/Fleets\/Green\/[^`]+` \| listener weight raised to 100 for Dev-Web\/Fleets\/Green\/[^ ]+ while its fleet goes from 0 to 1 server\(s\) in the same change/m);
  assert.match(r.stdout, /^- downtime: ⛔ \*\*fails\*\*/m);
  const out = JSON.parse(fs.readFileSync(json, 'utf8'));
  // The live color's servers signal CloudFormation (cfn-signal): the green role gets that new
  // permission, which is broader access too, and green's user data changes with it.
  assert.match(r.stdout, /^\| broader access \(`iam-statement-added`\) \| `Dev-Web` \| `IAM` \| new allow: actions cloudformation:SignalResource on \$\{AWS::StackId\} for AWS:\$\{FleetsGreenInstanceRole[0-9A-F]{8}\} \|/m);
  assert.deepEqual(out['$risk'].gates.filter(g => g.failed).map(g => g.gate), ['downtime', 'access']);
  // One server either way (blue 1 -> 0, green 0 -> 1): the cost of dev does not change.
  assert.equal(out['$risk'].costs.find(c => c.environment === 'Dev').delta, 0);
  assertCleanedUp();
});

test('a bigger prod fleet (minimum 2 -> 3): one more server a month in the cost, the cost gate fails (exit 2)', { skip: missing }, () => {
  const head = change('prod-size', () => editEnvironments('MinCapacity = 2,\n        MaxCapacity = 8,', 'MinCapacity = 3,\n        MaxCapacity = 8,'));
  const json = path.join(root, 'prod-size.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  show(r);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  const out = JSON.parse(fs.readFileSync(json, 'utf8'));
  const prod = out['$risk'].costs.find(c => c.environment === 'Prod');
  // By hand: the live (blue) fleet has one more m7g.large all month, with its 16 GB gp3 root volume.
  const byHand = HOURS * PRICES['ec2.m7g.large'].usd + 16 * PRICES['ebs.gp3.gbMonth'].usd;
  assert.ok(Math.abs(prod.delta - byHand) < 1e-9, `${prod.delta} vs ${byHand}`);
  assert.ok(prod.percent > 10);
  assert.equal(out['$risk'].costs.find(c => c.environment === 'Dev').delta, 0);
  assert.match(r.stdout, new RegExp(`^\\| Prod \\| us-east-1 \\| \\$[0-9.]+ \\+ 1 unknown \\| \\$[0-9.]+ \\+ 1 unknown \\| \\+\\$${byHand.toFixed(2)} \\| \\+${prod.percent.toFixed(1)} % \\|$`, 'm'));
  assert.match(r.stdout, /^- cost: ⛔ \*\*fails\*\* — cost increase above 10 %: Prod \+\d+\.\d %$/m);
  assert.deepEqual(out['$risk'].gates.filter(g => g.failed).map(g => g.gate), ['cost']);
  assert.deepEqual(out['Prod-Web'].risks, [], 'a larger minimum replaces and opens nothing');
  assertCleanedUp();
});

test('prod: SSH opened to an admin CIDR and log retention lowered to a month: access and data gates fail (exit 2)', { skip: missing }, () => {
  const head = change('prod-access-retention', () => {
    editEnvironments('        DeletionProtection = true,\n', '        DeletionProtection = true,\n        AdminSshCidrs = ["10.20.0.0/16"],\n');
    editEnvironments('            AlarmHttpsEndpoints = ["https://alerts.example.com/hooks/prod"],\n',
      '            AlarmHttpsEndpoints = ["https://alerts.example.com/hooks/prod"],\n            LogRetention = Amazon.CDK.AWS.Logs.RetentionDays.ONE_MONTH,\n');
  });
  const json = path.join(root, 'prod-access-retention.json');
  const r = runPrDiff(repo, ['--json-out', json, base, head], env);
  show(r);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, /^\| broader access \(`security-group-opened`\) \| `Prod-Web` \| `[^`]+` \| ingress opened on [^|]+: TCP 22 from 10\.20\.0\.0\/16 \|/m);
  assert.match(r.stdout, /^\| data at risk \(`retention-lowered`\) \| `Prod-Web` \| `Prod-Web\/Fleets\/Blue\/Logs\/App\/Resource` \| log retention lowered from 365 days to 30 days: older events are deleted at deploy \| not reversible: data lost/m);
  const out = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.deepEqual(out['$risk'].gates.filter(g => g.failed).map(g => g.gate), ['access', 'data']);
  assert.ok(out['Prod-Web'].risks.filter(f => f.rule === 'retention-lowered').length >= 8, 'every fleet log group of both colors');
  assert.deepEqual(out['Dev-Web'].risks, [], 'dev is not touched');
  assertCleanedUp();
});
