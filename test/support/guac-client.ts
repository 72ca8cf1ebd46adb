// A scripted Guacamole tunnel client (what guacamole-common-js does on the wire), for integration tests of the desktop tunnel.
import WebSocket from 'ws';
import { encodeInstruction, parseInstructions, type Instruction } from '../../server/guac/instruction.js';

export class GuacTestClient {
  readonly instructions: Instruction[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Echo every sync like a browser that draws at once (turn off to act like a stalled one). */
  echoSyncs = true;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    ws.on('message', (data) => {
      for (const ins of parseInstructions(data.toString())) {
        this.instructions.push(ins);
        if (ins.opcode === 'sync' && this.echoSyncs) this.send('sync', ins.args[0]!);
      }
    });
  }

  static open(url: string, headers: Record<string, string>, localAddress?: string): Promise<GuacTestClient> {
    const ws = new WebSocket(url, 'guacamole', { headers, perMessageDeflate: false, localAddress });
    const client = new GuacTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  send(opcode: string, ...args: (string | number)[]): void {
    this.ws.send(encodeInstruction(opcode, ...args));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async waitFor(predicate: (list: Instruction[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.instructions)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.instructions.map((i) => i.opcode).join(' ').slice(-500)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): void {
    this.ws.close();
  }
}
