// The Guacamole instruction codec: `LEN.OPCODE,LEN.ARG,...;` with lengths in UTF-16 code units, as guacamole-common-js counts them.

/** guacd's limits, which bound what a client can make us buffer. */
export const MAX_ELEMENT_LENGTH = 8192;
export const MAX_LENGTH_DIGITS = 5;
export const MAX_ELEMENTS = 128;
export const MAX_INSTRUCTION_LENGTH = 32768;

export interface Instruction {
  opcode: string;
  args: string[];
}

export class GuacProtocolError extends Error {
  override name = 'GuacProtocolError';
}

/**
 * Encodes one instruction. JavaScript string length is the UTF-16 length this client expects
 * (guacd counts code points; the npm build predates that fix), so `.length` is exactly right here.
 */
export function encodeInstruction(opcode: string, ...args: (string | number)[]): string {
  let out = `${opcode.length}.${opcode}`;
  for (const arg of args) {
    const text = typeof arg === 'number' ? String(arg) : arg;
    out += `,${text.length}.${text}`;
  }
  return `${out};`;
}

/**
 * Parses one WebSocket message: whole instructions only (the client never splits one across
 * messages), within guacd's limits. Throws GuacProtocolError with what was wrong.
 */
export function parseInstructions(message: string): Instruction[] {
  if (message.length > MAX_INSTRUCTION_LENGTH * 4) throw new GuacProtocolError(`message of ${message.length} characters is too long`);
  const out: Instruction[] = [];
  let pos = 0;
  while (pos < message.length) {
    const start = pos;
    const elements: string[] = [];
    for (;;) {
      const dot = message.indexOf('.', pos);
      if (dot < 0 || dot - pos > MAX_LENGTH_DIGITS || dot === pos) throw new GuacProtocolError(`bad element length at offset ${pos}`);
      const digits = message.slice(pos, dot);
      if (!/^\d+$/.test(digits)) throw new GuacProtocolError(`bad element length "${digits.slice(0, 8)}" at offset ${pos}`);
      const length = Number(digits);
      if (length > MAX_ELEMENT_LENGTH) throw new GuacProtocolError(`element of ${length} characters exceeds ${MAX_ELEMENT_LENGTH}`);
      const end = dot + 1 + length;
      if (end >= message.length) throw new GuacProtocolError('instruction is cut off (instructions must not span messages)');
      elements.push(message.slice(dot + 1, end));
      if (elements.length > MAX_ELEMENTS) throw new GuacProtocolError(`more than ${MAX_ELEMENTS} elements in one instruction`);
      const terminator = message[end];
      pos = end + 1;
      if (terminator === ';') break;
      if (terminator !== ',') throw new GuacProtocolError(`expected "," or ";" at offset ${end}`);
    }
    if (pos - start > MAX_INSTRUCTION_LENGTH) throw new GuacProtocolError(`instruction of ${pos - start} characters exceeds ${MAX_INSTRUCTION_LENGTH}`);
    out.push({ opcode: elements[0]!, args: elements.slice(1) });
  }
  return out;
}
