// Unit tests for the touch key bar's byte sequences.
import { describe, expect, it } from 'vitest';
import { keySequence, withCtrl } from './key-sequences';

describe('keySequence', () => {
  it.each([
    ['esc', false, '\x1b'],
    ['tab', false, '\t'],
    ['up', false, '\x1b[A'],
    ['down', false, '\x1b[B'],
    ['right', false, '\x1b[C'],
    ['left', false, '\x1b[D'],
    ['up', true, '\x1bOA'],
    ['left', true, '\x1bOD'],
  ] as const)('%s (application cursor %s)', (key, app, bytes) => {
    expect(keySequence(key, app)).toBe(bytes);
  });
});

describe('withCtrl', () => {
  it.each([
    ['c', '\x03'],
    ['C', '\x03'],
    ['d', '\x04'],
    ['z', '\x1a'],
    ['a', '\x01'],
    ['[', '\x1b'],
    ['\\', '\x1c'],
    ['@', '\x00'],
    [' ', '\x00'],
    ['?', '\x7f'],
    ['1', '1'],
    ['é', 'é'],
    ['ls', 'ls'],
  ])('Ctrl+%j -> %j', (input, output) => {
    expect(withCtrl(input)).toBe(output);
  });
});
