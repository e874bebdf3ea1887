'use strict';
/**
 * Classifies the changes between two CloudFormation templates with the engine behind `cdk diff`
 * (@aws-cdk/cloudformation-diff). Every "replaced / may-replace" verdict comes from the engine's
 * changeImpact, which it derives from the CloudFormation resource specification (per property:
 * causesReplacement yes / maybe / no), including replacements that propagate through Ref/GetAtt.
 */
const fs = require('fs');
const path = require('path');
const cfnDiff = require('@aws-cdk/cloudformation-diff');
const { isDestructiveType } = require('./destructive-types');
const { installSpecCache } = require('./spec-cache');
const { serverReplacements } = require('./servers');

installSpecCache();

const { ResourceImpact } = cfnDiff;
const PATH_METADATA_KEY = 'aws:cdk:path';
const CDK_METADATA_TYPE = 'AWS::CDK::Metadata';
const TEMPLATE_SUFFIX = '.template.json';

class UsageError extends Error {}

/**
 * Reads a template argument. Returns null for "no template": the argument `-`, a missing file
 * (only when allowMissing), or a file that is empty / whitespace only.
 */
function readTemplate(arg, { allowMissing = false, label = 'template' } = {}) {
  if (arg === undefined || arg === null || arg === '') throw new UsageError(`missing ${label} argument`);
  if (arg === '-') return null;
  let text;
  try {
    text = fs.readFileSync(arg, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT' && allowMissing) return null;
    throw new UsageError(`cannot read ${label} ${arg}: ${err.message}`);
  }
  if (text.trim() === '') return null;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${label} ${arg} is not valid JSON: ${err.message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${label} ${arg} is not a CloudFormation template (expected a JSON object)`);
  }
  if (parsed.Resources !== undefined && (parsed.Resources === null || typeof parsed.Resources !== 'object' || Array.isArray(parsed.Resources))) {
    throw new UsageError(`${label} ${arg}: "Resources" must be an object`);
  }
  return parsed;
}

/** A template with no resources at all counts as "no stack". */
function isEmptyTemplate(t) {
  return !t || !t.Resources || Object.keys(t.Resources).length === 0;
}

/** logicalId -> aws:cdk:path, from both templates (the new one wins). */
function constructPaths(...templates) {
  const map = {};
  for (const t of templates) {
    for (const [id, res] of Object.entries((t && t.Resources) || {})) {
      const p = res && res.Metadata && res.Metadata[PATH_METADATA_KEY];
      if (typeof p === 'string') map[id] = p;
    }
  }
  return map;
}

function changeKind(rd) {
  switch (rd.changeImpact) {
    case ResourceImpact.WILL_CREATE: return 'added';
    case ResourceImpact.WILL_DESTROY:
    case ResourceImpact.WILL_ORPHAN: return 'removed';
    case ResourceImpact.WILL_REPLACE: return 'replaced';
    case ResourceImpact.MAY_REPLACE: return 'may-replace';
    case ResourceImpact.WILL_IMPORT: return 'added';
    default:
      // WILL_UPDATE, and NO_CHANGE for differences the spec does not rate (e.g. a property the
      // spec does not know, Metadata): the resource is updated in place.
      if (rd.isAddition) return 'added';
      if (rd.isRemoval) return 'removed';
      return 'updated';
  }
}

/**
 * Diffs two parsed templates (either may be null = no stack).
 * Returns { result, diff, paths } where result is the JSON that classify.js prints (serversReplaced:
 * lib/servers.js), diff the
 * engine's TemplateDiff (AWS::CDK::Metadata filtered out unless strict) and paths the
 * logicalId -> construct path map.
 */
function classifyTemplates(oldTemplate, newTemplate, { strict = false, extraPaths = [] } = {}) {
  const oldT = oldTemplate || {};
  const newT = newTemplate || {};
  const paths = Object.assign({}, ...extraPaths.filter(Boolean), constructPaths(oldT, newT));
  // From the templates as written, before the engine sees them.
  const serversReplaced = serverReplacements(oldT, newT, paths);
  const diff = cfnDiff.fullDiff(oldT, newT);
  if (!strict) obscureNoise(diff);

  const resources = [];
  for (const logicalId of [...diff.resources.logicalIds].sort()) {
    const rd = diff.resources.get(logicalId);
    if (!rd || !rd.isDifferent) continue;
    const change = changeKind(rd);
    const impact = rd.changeImpact;
    const wanted = change === 'replaced' ? [ResourceImpact.WILL_REPLACE]
      : change === 'may-replace' ? [ResourceImpact.MAY_REPLACE] : [];
    const replacedBecause = [];
    if (rd.resourceTypeChanged && rd.oldResourceType && rd.newResourceType) replacedBecause.push('Type');
    const changedProperties = [];
    if (!rd.isAddition && !rd.isRemoval && !rd.resourceTypeChanged) {
      for (const [name, pd] of Object.entries(rd.propertyUpdates).sort(([a], [b]) => a.localeCompare(b))) {
        changedProperties.push(name);
        if (wanted.includes(pd.changeImpact)) replacedBecause.push(name);
      }
    }
    const otherChanges = (!rd.isAddition && !rd.isRemoval) ? Object.keys(rd.otherChanges).sort() : [];
    const types = [rd.oldResourceType, rd.newResourceType].filter(Boolean);
    const destructive = (change === 'replaced' || change === 'may-replace' || impact === ResourceImpact.WILL_DESTROY)
      && types.some(isDestructiveType);
    resources.push({
      logicalId,
      type: rd.newResourceType || rd.oldResourceType,
      change,
      impact,
      replacedBecause,
      changedProperties,
      otherChanges,
      destructive,
      path: paths[logicalId] || null,
    });
  }

  let stack;
  if (isEmptyTemplate(oldTemplate) && !isEmptyTemplate(newTemplate)) stack = 'new';
  else if (!isEmptyTemplate(oldTemplate) && isEmptyTemplate(newTemplate)) stack = 'removed';
  else stack = diff.isEmpty ? 'unchanged' : 'changed';

  const result = {
    stack,
    resources,
    iamChanges: diff.iamChanges.hasChanges,
    securityGroupChanges: diff.securityGroupChanges.hasChanges,
    permissionsBroadened: diff.permissionsBroadened,
    serversReplaced,
  };
  return { result, diff, paths };
}

/**
 * What `cdk diff` hides unless --strict: the AWS::CDK::Metadata resource (its Analytics blob
 * changes with nearly every synth) and the CheckBootstrapVersion rule.
 */
function obscureNoise(diff) {
  diff.resources = diff.resources.filter(rd => !rd
    || (rd.oldResourceType !== CDK_METADATA_TYPE && rd.newResourceType !== CDK_METADATA_TYPE));
  if (diff.unknown) {
    diff.unknown = diff.unknown.filter(d => !d
      || !((d.newValue && d.newValue.CheckBootstrapVersion) || (d.oldValue && d.oldValue.CheckBootstrapVersion)));
  }
}

/**
 * Construct paths and display names from a cloud assembly's manifest.json (and the
 * `additionalMetadataFile` of each stack, where newer CDK versions put the metadata): CDK no
 * longer writes aws:cdk:path into templates by default, but records "aws:cdk:logicalId" entries
 * keyed by construct path. Returns Map<absolute template path, { displayName, paths }>.
 * Best effort: an unreadable or unexpected manifest gives no entries.
 */
function readAssemblyMetadata(dir) {
  const out = new Map();
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return out;
  }
  for (const [id, art] of Object.entries((manifest && manifest.artifacts) || {})) {
    try {
      if (!art || art.type !== 'aws:cloudformation:stack' || !art.properties || !art.properties.templateFile) continue;
      const metadata = Object.assign({}, art.metadata || {});
      if (art.additionalMetadataFile) {
        Object.assign(metadata, JSON.parse(fs.readFileSync(path.join(dir, art.additionalMetadataFile), 'utf8')));
      }
      const paths = {};
      for (const [constructPath, entries] of Object.entries(metadata)) {
        for (const e of Array.isArray(entries) ? entries : []) {
          if (e && e.type === 'aws:cdk:logicalId' && typeof e.data === 'string') paths[e.data] = constructPath;
        }
      }
      out.set(path.resolve(dir, art.properties.templateFile), {
        displayName: art.displayName || id,
        paths,
        // For the risk report (termination protection) and the cost (the region, when the stack pins one).
        info: { terminationProtection: art.properties.terminationProtection === true, environment: art.environment || null },
      });
    } catch {
      // ignore this artifact's metadata
    }
  }
  return out;
}

/**
 * Stack templates in a cdk.out-style folder: `*.template.json` at the top and inside nested
 * stage assemblies (`assembly-*` folders). Asset folders are never searched. Keys are the file
 * name without `.template.json`, prefixed with `assembly-X/` for nested assemblies.
 * A missing folder (or `-`) yields no stacks when allowMissing.
 */
function listStackTemplates(dir, { allowMissing = false, label = 'folder' } = {}) {
  const stacks = new Map();
  if (dir === '-' || ((dir === undefined || dir === null || dir === '') && allowMissing)) return stacks;
  if (!dir) throw new UsageError(`missing ${label} argument`);
  let st;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if (err.code === 'ENOENT' && allowMissing) return stacks;
    throw new UsageError(`cannot read ${label} ${dir}: ${err.message}`);
  }
  if (!st.isDirectory()) throw new UsageError(`${label} ${dir} is not a directory`);
  const walk = (d, prefix) => {
    const meta = readAssemblyMetadata(d);
    for (const ent of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, ent.name);
      if (ent.isFile() && ent.name.endsWith(TEMPLATE_SUFFIX)) {
        const m = meta.get(path.resolve(full)) || {};
        stacks.set(prefix + ent.name.slice(0, -TEMPLATE_SUFFIX.length), { file: full, displayName: m.displayName || null, paths: m.paths || {}, info: m.info || null });
      } else if (ent.isDirectory() && ent.name.startsWith('assembly-')) {
        walk(full, `${prefix}${ent.name}/`);
      }
    }
  };
  walk(dir, '');
  return stacks;
}

/**
 * Classifies every stack of two cdk.out folders. Returns an array of
 * { name, displayName, oldFile, newFile, result, diff, paths, oldTemplate, newTemplate, oldInfo, newInfo }
 * (info: { terminationProtection, environment } from the manifest, or null), sorted by stack name.
 */
function classifyDirs(oldDir, newDir, opts = {}) {
  const oldStacks = listStackTemplates(oldDir, { allowMissing: true, label: 'OLD_DIR' });
  const newStacks = listStackTemplates(newDir, { allowMissing: false, label: 'NEW_DIR' });
  const names = [...new Set([...oldStacks.keys(), ...newStacks.keys()])].sort();
  return names.map(name => {
    const o = oldStacks.get(name);
    const n = newStacks.get(name);
    const oldFile = o ? o.file : null;
    const newFile = n ? n.file : null;
    const oldT = oldFile ? readTemplate(oldFile, { label: 'template' }) : null;
    const newT = newFile ? readTemplate(newFile, { label: 'template' }) : null;
    const { result, diff, paths } = classifyTemplates(oldT, newT, { ...opts, extraPaths: [o && o.paths, n && n.paths] });
    const displayName = (n && n.displayName) || (o && o.displayName) || name;
    // A template file that exists on one side only decides new/removed, even if empty.
    if (!oldFile && newFile) result.stack = 'new';
    if (oldFile && !newFile) result.stack = 'removed';
    return { name, displayName, oldFile, newFile, result, diff, paths, oldTemplate: oldT, newTemplate: newT,
      oldInfo: (o && o.info) || null, newInfo: (n && n.info) || null };
  });
}

module.exports = {
  UsageError,
  readTemplate,
  isEmptyTemplate,
  classifyTemplates,
  listStackTemplates,
  readAssemblyMetadata,
  classifyDirs,
  constructPaths,
  ResourceImpact,
  cfnDiff,
};
