'use strict';
// Shared by the tests: run the tool, make scratch cloud assemblies, build planted secrets.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const TOOL_DIR = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures');

/** Runs lib/cli.js (what ./run execs once installed); returns { code, stdout, stderr, json }. */
function runTool(args, { cwd } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-test-out-'));
  const jsonFile = path.join(dir, 'result.json');
  const res = spawnSync(process.execPath, [path.join(TOOL_DIR, 'lib', 'cli.js'), ...args, '--json', jsonFile], {
    cwd: cwd || TOOL_DIR, encoding: 'utf8', timeout: 300000,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  });
  let json = null;
  try { json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')); } catch { /* none written */ }
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, json };
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `validate-test-${prefix}-`));
}

function copyFixtures(name, dest) {
  fs.cpSync(path.join(FIXTURES, name), dest, { recursive: true });
  return dest;
}

function randomFrom(alphabet, n) {
  let s = '';
  const bytes = crypto.randomBytes(n);
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

/**
 * A string shaped like an AWS access key id, made of random characters at run time, so no
 * key-like literal is ever written into the repository.
 */
function randomAccessKeyId() {
  return ['AK', 'IA', randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)].join('');
}

/** The example key id from the AWS documentation, assembled from pieces at run time. */
function documentationExampleKeyId() {
  return ['AK', 'IA', 'IOSFODNN7', 'EXAM', 'PLE'].join('');
}

function parameterTemplate(logicalId, value, description) {
  return {
    Description: description,
    Resources: {
      [logicalId]: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Type: 'String', Value: value, Description: 'planted value' },
      },
    },
  };
}

function writeJson(file, obj) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(obj, null, 2)}\n`);
}

/** Findings from a --json result, filtered by any of the given fields. */
function select(json, where) {
  return json.findings.filter((f) => Object.entries(where).every(([k, v]) => (v instanceof RegExp ? v.test(f[k]) : f[k] === v)));
}

module.exports = {
  TOOL_DIR, FIXTURES, runTool, tempDir, copyFixtures, randomAccessKeyId, documentationExampleKeyId,
  parameterTemplate, writeJson, select,
};
