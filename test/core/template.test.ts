import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listPlaceholders, renderTemplate, TemplateError } from '../../src/core/template.ts';

test('fills every placeholder, repeated ones too', () => {
  assert.equal(renderTemplate('{{a}}-{{b}}-{{a}}', { a: 'x', b: 'y' }), 'x-y-x');
});

test('values are inserted literally, even replacement patterns like $& and $1', () => {
  assert.equal(renderTemplate('[{{v}}]', { v: "$&$1$$'" }), "[$&$1$$']");
});

test('an unknown placeholder throws a TemplateError naming it', () => {
  assert.throws(
    () => renderTemplate('Client ID {{clientId}}, secret {{clientSecert}}', { clientId: 'c' }),
    (error: unknown) => error instanceof TemplateError && error.problem === 'unknown-placeholder' && error.placeholder === 'clientSecert',
  );
});

test('a value the template does not use throws a TemplateError naming it', () => {
  assert.throws(
    () => renderTemplate('Client ID {{clientId}}', { clientId: 'c', tenantId: 't' }),
    (error: unknown) => error instanceof TemplateError && error.problem === 'unused-value' && error.placeholder === 'tenantId',
  );
});

test('malformed placeholders are rejected rather than left in the output', () => {
  for (const bad of ['{{ clientId }}', '{{client-id}}', '{{1st}}', '{{clientId}', '{{{clientId}}}']) {
    assert.throws(
      () => listPlaceholders(bad),
      (e: unknown) => e instanceof TemplateError && e.problem === 'malformed',
      bad,
    );
  }
});

test('closing braces of nested JSON or code are not placeholders', () => {
  assert.deepEqual(listPlaceholders('{"a": {"b": {{v}}}}'), ['v']);
  assert.equal(renderTemplate('{"a": {"b": {{v}}}}', { v: '1' }), '{"a": {"b": 1}}');
});

test('listPlaceholders returns each name once, in order of first use', () => {
  assert.deepEqual(listPlaceholders('{{b}} {{a}} {{b}}'), ['b', 'a']);
});
