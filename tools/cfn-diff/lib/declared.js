'use strict';
/**
 * A template as CloudFormation would see it when every parameter takes its Default: the *declared
 * state*. A release-mode stack (docs/pr-diff.md#releases) keeps its traffic in parameters whose
 * Default is the declared final state, so the risk and cost tools read values here, while the
 * structural diff (replaced / added / removed) stays on the templates as written.
 *
 * - `Ref` to a parameter with a Default -> its value, as CloudFormation passes it: a string (a
 *   Number parameter too), a list of trimmed strings for `CommaDelimitedList` / `List<...>`.
 *   `AWS::SSM::Parameter::Value<...>` parameters (their Default names an SSM parameter, e.g. CDK's
 *   BootstrapVersion), parameters without a Default and pseudo parameters stay `Ref`s.
 * - Conditions (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `{ Condition }`) are evaluated over those
 *   values; anything not known makes the condition unknown (three-valued: `Fn::And` with a false
 *   member is false, `Fn::Or` with a true member is true).
 * - `Fn::If` with a known condition -> the chosen branch (resolved in turn); with an unknown one it is
 *   left untouched, branches included.
 * - `{ "Ref": "AWS::NoValue" }` -> the property is removed (an array element is dropped).
 * - Resources and outputs whose `Condition` is known false are removed.
 *
 * Only Resources and Outputs are rewritten; Parameters, Conditions, Rules, Mappings and Metadata are
 * copied as they are. Other intrinsics (Fn::Sub, Fn::Join, Fn::FindInMap, ...) are not evaluated;
 * `Ref`s inside their arguments are resolved (Fn::GetAtt's are names, left alone). Pure: the input is
 * never changed.
 */

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = v => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const NO_VALUE = Symbol('AWS::NoValue');
const UNKNOWN = Symbol('unknown');

/** An intrinsic function call: an object whose one key is Ref, Condition or Fn::*. */
const intrinsicName = v => {
  if (!isObject(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::')) ? keys[0] : null;
};
/** Does a resolved value still hold an intrinsic (so its value is not known)? */
function hasIntrinsic(v) {
  if (Array.isArray(v)) return v.some(hasIntrinsic);
  if (!isObject(v)) return false;
  return intrinsicName(v) !== null || Object.values(v).some(hasIntrinsic);
}

/** parameter name -> the value a Ref gives when it takes its Default (only parameters whose value that is). */
function parameterValues(template) {
  const out = new Map();
  const params = isObject(template.Parameters) ? template.Parameters : {};
  for (const [name, p] of Object.entries(params)) {
    if (!isObject(p) || p.Default === undefined || p.Default === null) continue;
    const type = typeof p.Type === 'string' ? p.Type : 'String';
    if (type.startsWith('AWS::SSM::Parameter::Value<')) continue; // resolved from SSM at deploy time
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      out.set(name, Array.isArray(p.Default) ? p.Default.map(String) : String(p.Default).split(',').map(x => x.trim()));
    } else if (typeof p.Default === 'string' || typeof p.Default === 'number' || typeof p.Default === 'boolean') {
      out.set(name, String(p.Default));
    }
  }
  return out;
}

function makeResolver(template) {
  const params = parameterValues(template);
  const conditions = isObject(template.Conditions) ? template.Conditions : {};
  const memo = new Map();

  /** true, false or UNKNOWN. */
  function condition(name) {
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(conditions, name)) return UNKNOWN;
    if (memo.has(name)) return memo.get(name);
    memo.set(name, UNKNOWN); // a cycle is unknown
    const v = conditionExpr(conditions[name]);
    memo.set(name, v);
    return v;
  }

  function conditionExpr(e) {
    const fn = intrinsicName(e);
    if (fn === 'Condition') return condition(e.Condition);
    const args = fn ? e[fn] : null;
    if (fn === 'Fn::Equals') {
      if (!Array.isArray(args) || args.length !== 2) return UNKNOWN;
      const [a, b] = args.map(resolve);
      if (a === NO_VALUE || b === NO_VALUE || hasIntrinsic(a) || hasIntrinsic(b)) return UNKNOWN;
      // CloudFormation compares values as strings ("2" equals 2).
      const scalar = v => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (scalar(a) && scalar(b)) return String(a) === String(b);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    if (fn === 'Fn::Not') {
      if (!Array.isArray(args) || args.length !== 1) return UNKNOWN;
      const v = conditionExpr(args[0]);
      return v === UNKNOWN ? UNKNOWN : !v;
    }
    if (fn === 'Fn::And' || fn === 'Fn::Or') {
      if (!Array.isArray(args) || !args.length) return UNKNOWN;
      const vs = args.map(conditionExpr);
      const decisive = fn === 'Fn::And' ? false : true;
      if (vs.includes(decisive)) return decisive;
      return vs.includes(UNKNOWN) ? UNKNOWN : !decisive;
    }
    return UNKNOWN;
  }

  /** The declared value of v: a new value, NO_VALUE for AWS::NoValue; unknowns kept as written. */
  function resolve(v) {
    if (Array.isArray(v)) return v.map(resolve).filter(x => x !== NO_VALUE);
    if (!isObject(v)) return v;
    const fn = intrinsicName(v);
    if (fn === 'Ref') {
      if (v.Ref === 'AWS::NoValue') return NO_VALUE;
      return params.has(v.Ref) ? clone(params.get(v.Ref)) : clone(v);
    }
    if (fn === 'Fn::If') {
      const args = v['Fn::If'];
      const c = Array.isArray(args) && args.length === 3 ? condition(args[0]) : UNKNOWN;
      if (c === UNKNOWN) return clone(v);
      return resolve(args[c ? 1 : 2]);
    }
    if (fn === 'Fn::GetAtt') return clone(v);
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const r = resolve(x);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  return { resolve, condition };
}

/** Resources / outputs without those whose Condition is known false, each resolved. */
function resolveSection(section, { resolve, condition }) {
  const out = {};
  for (const [id, entry] of Object.entries(section)) {
    if (isObject(entry) && typeof entry.Condition === 'string' && condition(entry.Condition) === false) continue;
    const r = resolve(entry);
    if (r !== NO_VALUE) out[id] = r;
  }
  return out;
}

/** The template at its declared state (every parameter at its Default); see the comment above. */
function declaredState(template) {
  if (!isObject(template)) return clone(template);
  const resolver = makeResolver(template);
  const out = clone(template);
  if (isObject(template.Resources)) out.Resources = resolveSection(template.Resources, resolver);
  if (isObject(template.Outputs)) out.Outputs = resolveSection(template.Outputs, resolver);
  return out;
}

/** A condition's value at the declared state: true, false or null (unknown). */
function declaredCondition(template, name) {
  if (!isObject(template)) return null;
  const v = makeResolver(template).condition(name);
  return v === UNKNOWN ? null : v;
}

module.exports = { declaredState, declaredCondition, parameterValues };
