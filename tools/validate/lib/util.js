'use strict';
// Small helpers shared by the runner and the validators. No dependencies.
const fs = require('fs');
const path = require('path');

/** Glob ('*' any run of characters, '?' one character) to an anchored RegExp. */
function globToRegExp(glob) {
  let re = '';
  for (const ch of String(glob)) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.+()|{}[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** True when `value` equals `pattern` exactly or matches it as a glob. */
function globMatch(pattern, value) {
  if (pattern === undefined || pattern === null) return true;
  const v = value === undefined || value === null ? '' : String(value);
  if (pattern === v) return true;
  return globToRegExp(pattern).test(v);
}

// Template sections whose entries have logical ids (one namespace in CloudFormation).
const SECTIONS = new Set(['Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs', 'Rules']);

/**
 * The character span of each entry of the template's sections (Resources, Parameters, Mappings,
 * Conditions, Outputs, Rules): [{ section, logicalId, start, end }]. A tolerant scanner, so that
 * a finding given as a character offset (secretlint) can be tied to the logical id it sits in.
 * Returns [] for text that is not a JSON object.
 */
function resourceSpans(text) {
  const spans = [];
  let i = 0;
  const n = text.length;
  const ws = () => { while (i < n && /\s/.test(text[i])) i++; };
  function str() {
    // at opening quote
    i++;
    let out = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\') { out += text[i + 1] ?? ''; i += 2; continue; }
      out += text[i++];
    }
    i++; // closing quote
    return out;
  }
  function skipValue() {
    ws();
    const c = text[i];
    if (c === '"') { str(); return; }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < n) {
        const d = text[i];
        if (d === '"') { str(); continue; }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') { depth--; if (depth === 0) { i++; return; } }
        i++;
      }
      return;
    }
    while (i < n && !/[,}\]\s]/.test(text[i])) i++;
  }
  function object(onKey) {
    ws();
    if (text[i] !== '{') return false;
    i++;
    for (;;) {
      ws();
      if (i >= n) return true;
      if (text[i] === '}') { i++; return true; }
      if (text[i] === ',') { i++; continue; }
      if (text[i] !== '"') { i++; continue; }
      const keyStart = i;
      const key = str();
      ws();
      if (text[i] === ':') i++;
      ws();
      onKey(key, keyStart);
    }
  }
  try {
    object((key) => {
      if (SECTIONS.has(key) && text[i] === '{') {
        object((logicalId, keyStart) => {
          skipValue();
          spans.push({ section: key, logicalId, start: keyStart, end: i });
        });
      } else {
        skipValue();
      }
    });
  } catch {
    return [];
  }
  return spans;
}

function logicalIdAt(spans, offset) {
  return spanAt(spans, offset)?.logicalId || '';
}

function spanAt(spans, offset) {
  return spans.find((s) => offset >= s.start && offset < s.end);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

function truncate(s, max) {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

module.exports = { globToRegExp, globMatch, resourceSpans, logicalIdAt, spanAt, readJson, toPosix, truncate };
