// One question waiting for a person (trust this host key? answer these prompts?), re-asked to every viewer that attaches.
import type { TerminalServerMessage } from '../../shared/terminal-protocol.js';

export class PendingQuestion<Answer> {
  private timer: NodeJS.Timeout;
  private settled = false;
  readonly answer: Promise<Answer>;
  private resolveAnswer!: (a: Answer) => void;
  private rejectAnswer!: (e: Error) => void;

  constructor(
    readonly message: Extract<TerminalServerMessage, { type: 'hostkey' | 'prompt' }>,
    timeoutMs: number,
  ) {
    this.answer = new Promise<Answer>((resolve, reject) => {
      this.resolveAnswer = resolve;
      this.rejectAnswer = reject;
    });
    this.timer = setTimeout(() => this.cancel(new Error('nobody answered in time')), timeoutMs);
  }

  get expects(): 'hostkey-answer' | 'prompt-answer' {
    return this.message.type === 'hostkey' ? 'hostkey-answer' : 'prompt-answer';
  }

  settle(answer: Answer): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolveAnswer(answer);
  }

  cancel(reason: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.rejectAnswer(reason);
  }
}
