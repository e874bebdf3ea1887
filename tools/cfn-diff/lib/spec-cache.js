'use strict';
/**
 * Speed-up for one-process-per-call use: the diff engine loads the whole AWS service spec
 * database (db.json.gz, ~0.35 s of gunzip + JSON.parse + indexing) on every process start,
 * although it only ever reads a few fields of a resource model (via util.loadResourceModel):
 *   model.scrutinizable, model.properties[name].causesReplacement / .scrutinizable
 * and whether a property exists at all.
 *
 * This module memoizes exactly that projection of the engine's own database, built once from it
 * (same package copy, same lookup call) and stored in the .cache/cfn-diff/ folder of the node_modules
 * that holds the engine (tools/cfn-diff/node_modules with the workspace's lock), keyed by the
 * spec package version and database size. Replacement decisions stay the engine's: its code
 * decides, from the same spec values. Any problem (unwritable cache, unexpected layout) falls
 * back to the engine's normal loading. CFN_DIFF_SPEC_CACHE=off disables the cache.
 */
const fs = require('fs');
const path = require('path');

function projectModel(model) {
  if (!model) return null;
  const properties = {};
  for (const [name, prop] of Object.entries(model.properties || {})) {
    const p = {};
    if (prop && prop.causesReplacement !== undefined) p.causesReplacement = prop.causesReplacement;
    if (prop && prop.scrutinizable !== undefined) p.scrutinizable = prop.scrutinizable;
    properties[name] = p;
  }
  const out = { properties };
  if (model.scrutinizable !== undefined) out.scrutinizable = model.scrutinizable;
  return out;
}

function buildModels(spec) {
  const db = spec.loadAwsServiceSpecSync();
  const types = [...new Set(db.all('resource').map(r => r.cloudFormationType))].sort();
  const models = {};
  for (const type of types) {
    const m = projectModel(db.lookup('resource', 'cloudFormationType', 'equals', type)[0]);
    if (m) models[type] = m;
  }
  return models;
}

let installed = null;

/** Patches the engine's loadResourceModel to use the memoized projection. Returns a status string. */
function installSpecCache() {
  if (installed) return installed;
  if (/^(off|0|false|no)$/i.test(process.env.CFN_DIFF_SPEC_CACHE || '')) return (installed = 'off');
  try {
    const diffDir = path.dirname(require.resolve('@aws-cdk/cloudformation-diff/package.json'));
    const util = require(path.join(diffDir, 'lib', 'diff', 'util.js'));
    if (typeof util.loadResourceModel !== 'function') return (installed = 'unsupported');
    const specPkgFile = require.resolve('@aws-cdk/aws-service-spec/package.json', { paths: [diffDir] });
    const specDir = path.dirname(specPkgFile);
    const version = JSON.parse(fs.readFileSync(specPkgFile, 'utf8')).version;
    const dbSize = fs.statSync(path.join(specDir, 'db.json.gz')).size;
    const cacheDir = path.resolve(diffDir, '..', '..', '.cache', 'cfn-diff');
    const cacheFile = path.join(cacheDir, `resource-models-${version}-${dbSize}.json`);

    let models;
    let status = 'hit';
    try {
      models = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    } catch {
      status = 'built';
      models = buildModels(require(specDir));
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(models));
        fs.renameSync(tmp, cacheFile); // atomic: parallel callers never read a half-written file
      } catch {
        status = 'built-not-saved';
      }
    }
    if (!models || typeof models !== 'object' || !models['AWS::EC2::SecurityGroup']) return (installed = 'invalid');
    util.loadResourceModel = type => models[type];
    return (installed = status);
  } catch {
    return (installed = 'error');
  }
}

module.exports = { installSpecCache, projectModel };
