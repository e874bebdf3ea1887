'use strict';
// Finds every *.template.json in a cloud assembly (cdk.out), nested assemblies (Stages) and
// nested-stack templates included, and names each one after the stack it belongs to, using the
// assembly manifests when they are there. Works on a bare folder of templates too.
const fs = require('fs');
const path = require('path');
const { toPosix } = require('./util');

const SKIP_DIRS = new Set(['node_modules', '.git', '.cache']);

function walk(dir, out) {
  let entries;
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      // asset.<hash> folders hold Lambda code, Docker contexts and the like, not stacks.
      if (SKIP_DIRS.has(e.name) || e.name.startsWith('asset.')) continue;
      walk(full, out);
    } else if (e.isFile() && e.name.endsWith('.template.json')) {
      out.push(full);
    }
  }
}

function parseEnv(env) {
  // "aws://123456789012/eu-west-1"; unknown-account / unknown-region mean environment-agnostic.
  const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(env || '');
  if (!m) return {};
  return {
    account: m[1] === 'unknown-account' ? undefined : m[1],
    region: m[2] === 'unknown-region' ? undefined : m[2],
  };
}

function readManifestInfo(dir) {
  // Returns Map(templateFileName -> info) for one assembly directory.
  const info = new Map();
  let manifest;
  try { manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')); } catch { return info; }
  const artifacts = manifest.artifacts || {};
  const stackByAssetArtifact = new Map();
  for (const [id, a] of Object.entries(artifacts)) {
    if (a.type !== 'aws:cloudformation:stack') continue;
    const props = a.properties || {};
    if (!props.templateFile) continue;
    const env = parseEnv(a.environment);
    const names = [id, a.displayName, props.stackName].filter(Boolean);
    const stackInfo = {
      stack: a.displayName || props.stackName || id,
      stackNames: [...new Set(names)],
      account: env.account,
      region: env.region,
    };
    info.set(props.templateFile, stackInfo);
    for (const dep of a.dependencies || []) stackByAssetArtifact.set(dep, stackInfo);
  }
  // Nested-stack templates are file assets of their parent stack.
  for (const [id, a] of Object.entries(artifacts)) {
    if (a.type !== 'cdk:asset-manifest') continue;
    const parent = stackByAssetArtifact.get(id);
    if (!parent) continue;
    let assets;
    try { assets = JSON.parse(fs.readFileSync(path.join(dir, a.properties.file), 'utf8')); } catch { continue; }
    for (const f of Object.values(assets.files || {})) {
      const p = f?.source?.path;
      if (typeof p !== 'string' || !p.endsWith('.template.json') || info.has(p)) continue;
      const stem = p.replace(/\.template\.json$/, '');
      info.set(p, {
        stack: `${parent.stack}/${stem}`,
        stackNames: [...new Set([`${parent.stack}/${stem}`, stem, ...parent.stackNames.map((s) => `${s}/${stem}`)])],
        account: parent.account,
        region: parent.region,
        parentStack: parent.stack,
      });
    }
  }
  return info;
}

/**
 * @returns {{ path: string, rel: string, stack: string, stackNames: string[], account?: string,
 *   region?: string, parentStack?: string }[]} sorted by rel path
 */
function discoverTemplates(cdkOut) {
  const root = path.resolve(cdkOut);
  const files = [];
  walk(root, files);
  const manifestCache = new Map();
  const out = files.map((file) => {
    const dir = path.dirname(file);
    if (!manifestCache.has(dir)) manifestCache.set(dir, readManifestInfo(dir));
    const base = path.basename(file);
    const rel = toPosix(path.relative(root, file));
    const stem = base.replace(/\.template\.json$/, '');
    const known = manifestCache.get(dir).get(base);
    const t = known ? { ...known } : { stack: stem, stackNames: [stem] };
    t.path = file;
    t.rel = rel;
    t.stackNames = [...new Set([...t.stackNames, rel])];
    return t;
  });
  out.sort((a, b) => a.rel.localeCompare(b.rel));
  return out;
}

module.exports = { discoverTemplates };
