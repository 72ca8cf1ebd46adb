// The Guacamole codec: UTF-16 lengths, whole instructions per message, guacd's limits.
import { describe, expect, it } from 'vitest';
import { encodeInstruction, GuacProtocolError, MAX_ELEMENT_LENGTH, parseInstructions } from './instruction.js';

describe('encodeInstruction', () => {
  it.each([
    [['sync', 1234], '4.sync,4.1234;'],
    [['', 'c8a7-uuid'], '0.,9.c8a7-uuid;'],
    [['name', 'Grüße'], '4.name,5.Grüße;'],
    // An emoji is two UTF-16 code units: this client's count (guacd would say 1).
    [['clipboard', '😀'], '9.clipboard,2.😀;'],
    [['nop'], '3.nop;'],
  ] as const)('%j -> %s', (parts, wire) => {
    const [opcode, ...args] = parts as readonly (string | number)[];
    expect(encodeInstruction(opcode as string, ...args)).toBe(wire);
  });
});

describe('parseInstructions', () => {
  it('reads several instructions from one message, with empty and non-ASCII elements', () => {
    expect(parseInstructions('3.key,5.65307,1.1;5.mouse,2.10,2.20,1.1;0.,4.ping,3.123;4.name,2.😀;')).toEqual([
      { opcode: 'key', args: ['65307', '1'] },
      { opcode: 'mouse', args: ['10', '20', '1'] },
      { opcode: '', args: ['ping', '123'] },
      { opcode: 'name', args: ['😀'] },
    ]);
  });

  it('round-trips what it encodes', () => {
    const wire = encodeInstruction('clipboard', '1', 'text/plain') + encodeInstruction('blob', '1', 'aGVsbG8=');
    expect(parseInstructions(wire)).toEqual([{ opcode: 'clipboard', args: ['1', 'text/plain'] }, { opcode: 'blob', args: ['1', 'aGVsbG8='] }]);
  });

  it.each([
    ['a cut-off instruction', '3.key,5.65307', /cut off/],
    ['a length that is not a number', 'x.key;', /bad element length/],
    ['a length with too many digits', '123456.x;', /bad element length/],
    ['a missing terminator', '3.keyX5.65307;', /expected "," or ";"/],
    ['an element over the limit', `${MAX_ELEMENT_LENGTH + 1}.${'a'.repeat(MAX_ELEMENT_LENGTH + 1)};`, /exceeds 8192/],
    ['too many elements', `3.nop${',1.a'.repeat(130)};`, /more than 128 elements/],
    ['an instruction over 32768 characters', `4.blob${`,8000.${'a'.repeat(8000)}`.repeat(5)};`, /exceeds 32768/],
  ])('rejects %s', (_what, message, reason) => {
    expect(() => parseInstructions(message)).toThrow(GuacProtocolError);
    expect(() => parseInstructions(message)).toThrow(reason);
  });
});
