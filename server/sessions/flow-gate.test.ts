// Unit tests for the multi-viewer watermark gate.
import { describe, expect, it } from 'vitest';
import { FlowGate } from './flow-gate.js';

function gate() {
  const changes: boolean[] = [];
  const g = new FlowGate<string>(100, 20, (p) => changes.push(p));
  return { g, changes };
}

describe('FlowGate', () => {
  it('pauses past the high watermark and resumes under the low one', () => {
    const { g, changes } = gate();
    g.add('a');
    g.sent('a', 100);
    expect(g.isPaused).toBe(false);
    g.sent('a', 1);
    expect(changes).toEqual([true]);
    g.acked('a', 50);
    expect(g.isPaused).toBe(true);
    g.acked('a', 40);
    expect(changes).toEqual([true, false]);
  });

  it('waits for the slowest consumer', () => {
    const { g } = gate();
    g.add('fast');
    g.add('slow');
    g.sent('fast', 150);
    g.sent('slow', 150);
    g.acked('fast', 150);
    expect(g.isPaused).toBe(true);
    g.acked('slow', 140);
    expect(g.isPaused).toBe(false);
  });

  it('resumes when the slow consumer leaves', () => {
    const { g } = gate();
    g.add('a');
    g.add('b');
    g.sent('b', 500);
    expect(g.isPaused).toBe(true);
    g.remove('b');
    expect(g.isPaused).toBe(false);
  });

  it.each([
    ['over-acknowledging', (g: FlowGate<string>) => g.acked('a', 10_000), 0],
    ['unknown consumer sent', (g: FlowGate<string>) => g.sent('zzz', 10_000), 0],
  ])('ignores %s', (_name, act, expected) => {
    const { g } = gate();
    g.add('a');
    act(g);
    expect(g.backlogOf('a')).toBe(expected);
    expect(g.isPaused).toBe(false);
  });

  it('rejects inverted watermarks', () => {
    expect(() => new FlowGate(10, 10, () => {})).toThrow(/low watermark 10/);
  });
});
