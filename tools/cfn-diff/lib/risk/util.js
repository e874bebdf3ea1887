'use strict';
/** Small template helpers shared by the risk classifiers (one classifier per file, like cdk-nag's rules). */

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with sorted object keys: equal values give equal strings. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v === undefined ? null : v);
}

const resourcesOf = t => (t && isObject(t.Resources) ? t.Resources : {});
const propsOf = r => (isObject(r) && isObject(r.Properties) ? r.Properties : {});

/** A literal number (CloudFormation sizes are often strings), or null for an intrinsic or absence. */
function literalNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return null;
}

/** The logical ID a value points at with Ref or Fn::GetAtt, or null. */
function refTarget(v) {
  if (!isObject(v)) return null;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return null;
}

/** A resource's display name: its construct path when known, else its logical ID. */
const nameOf = (id, paths) => (paths && paths[id] ? String(paths[id]).replace(/^\/+/, '') : id);

module.exports = { isObject, canonical, resourcesOf, propsOf, literalNumber, refTarget, nameOf };
