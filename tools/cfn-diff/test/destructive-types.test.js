'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { DESTRUCTIVE_TYPES, isDestructiveType } = require('../lib/destructive-types');

test('matching, including service wildcards', () => {
  assert.ok(isDestructiveType('AWS::S3::Bucket'));
  assert.ok(isDestructiveType('AWS::RDS::DBInstance'));
  assert.ok(isDestructiveType('AWS::RDS::DBCluster'));
  assert.ok(!isDestructiveType('AWS::RDSX::Thing'));
  assert.ok(!isDestructiveType('AWS::S3::BucketPolicy'));
  assert.ok(!isDestructiveType('AWS::IAM::Role'));
  assert.ok(!isDestructiveType(undefined));
});

test('docs/pr-diff.md lists exactly the types of lib/destructive-types.js', () => {
  const doc = path.resolve(__dirname, '..', '..', '..', 'docs', 'pr-diff.md');
  const text = fs.readFileSync(doc, 'utf8');
  const section = text.split('<!-- destructive-types:start -->')[1].split('<!-- destructive-types:end -->')[0];
  const documented = [...section.matchAll(/`(AWS::[A-Za-z0-9]+::(?:[A-Za-z0-9]+|\*))`/g)].map(m => m[1]);
  assert.deepEqual([...documented].sort(), [...DESTRUCTIVE_TYPES].sort());
});
