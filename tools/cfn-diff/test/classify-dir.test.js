'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { webTemplate, networkTemplate, tmpDir, writeJson, runNode } = require('./helpers');

const dir = tmpDir('cfn-classify-dir-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A cdk.out-like folder: templates, a manifest with construct paths, an asset folder, a nested stage assembly. */
function assembly(name, stacks, { stage = {} } = {}) {
  const root = path.join(dir, name);
  const artifacts = {};
  for (const [id, t] of Object.entries(stacks)) {
    writeJson(path.join(root, `${id}.template.json`), t);
    artifacts[id] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${id}.template.json` }, displayName: id };
  }
  writeJson(path.join(root, 'manifest.json'), { version: '48.0.0', artifacts });
  writeJson(path.join(root, 'tree.json'), { version: 'tree-0.1', tree: { id: 'App', path: '' } });
  // An asset folder may contain anything, including files that look like templates: never read.
  writeJson(path.join(root, 'asset.0123abcd', 'decoy.template.json'), '{ this is not json');
  for (const [id, t] of Object.entries(stage)) {
    writeJson(path.join(root, 'assembly-Prod', `${id}.template.json`), t);
    writeJson(path.join(root, 'assembly-Prod', 'manifest.json'), {
      version: '48.0.0',
      artifacts: { [id]: { type: 'aws:cloudformation:stack', properties: { templateFile: `${id}.template.json` }, displayName: `Prod/${id}` } },
    });
  }
  return root;
}

test('stacks changed, new, removed, unchanged and in nested assemblies, keyed by stack', () => {
  const web2 = webTemplate();
  web2.Resources.BlueTg.Properties.Port = 8080;
  const oldDir = assembly('old', { Web: webTemplate(), Network: networkTemplate() }, { stage: { ProdWeb: webTemplate() } });
  const newDir = assembly('new', { Web: web2, Extra: networkTemplate() }, { stage: { ProdWeb: webTemplate() } });
  const r = runNode('classify-dir.js', [oldDir, newDir]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(Object.keys(r.json), ['Extra', 'Network', 'Web', 'assembly-Prod/ProdWeb']);
  assert.equal(r.json.Web.stack, 'changed');
  const tg = r.json.Web.resources.find(x => x.logicalId === 'BlueTg');
  assert.equal(tg.change, 'replaced');
  assert.equal(r.json.Extra.stack, 'new');
  assert.ok(r.json.Extra.resources.every(x => x.change === 'added'));
  assert.equal(r.json.Network.stack, 'removed');
  assert.deepEqual(r.json.Network.resources.map(x => [x.logicalId, x.change, x.destructive]), [['SubnetA', 'removed', true], ['Vpc', 'removed', true]]);
  assert.equal(r.json['assembly-Prod/ProdWeb'].stack, 'unchanged');
  assert.deepEqual(r.json['assembly-Prod/ProdWeb'].resources, []);
});

test('construct paths come from the manifest metadata when templates carry none', () => {
  const t = webTemplate();
  for (const res of Object.values(t.Resources)) delete res.Metadata;
  const t2 = JSON.parse(JSON.stringify(t));
  t2.Resources.Asg.Properties.MinSize = '2';
  const mk = (name, tpl) => {
    const root = assembly(name, { Web: tpl });
    writeJson(path.join(root, 'Web.metadata.json'), { '/Web/Asg/ASG': [{ type: 'aws:cdk:logicalId', data: 'Asg' }] });
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    manifest.artifacts.Web.additionalMetadataFile = 'Web.metadata.json';
    writeJson(path.join(root, 'manifest.json'), manifest);
    return root;
  };
  const r = runNode('classify-dir.js', [mk('meta-old', t), mk('meta-new', t2)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json.Web.resources[0].path, '/Web/Asg/ASG');
});

test('missing or "-" OLD_DIR: every stack new; missing NEW_DIR: error', () => {
  const newDir = assembly('only-new', { Web: webTemplate() });
  for (const oldArg of ['-', path.join(dir, 'does-not-exist')]) {
    const r = runNode('classify-dir.js', [oldArg, newDir]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(Object.keys(r.json), ['Web']);
    assert.equal(r.json.Web.stack, 'new');
  }
  const bad = runNode('classify-dir.js', [newDir, path.join(dir, 'does-not-exist')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /NEW_DIR/);
});

test('an invalid stack template is an error (exit 1), not a silent skip', () => {
  const oldDir = assembly('inv-old', { Web: webTemplate() });
  const newDir = assembly('inv-new', { Web: webTemplate() });
  writeJson(path.join(newDir, 'Web.template.json'), '{"Resources": ');
  const r = runNode('classify-dir.js', [oldDir, newDir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not valid JSON/);
});
