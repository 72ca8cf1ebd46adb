// Unit tests for AckCounter: one ack per FLOW_ACK_EVERY_BYTES parsed, carrying the exact count.
import { describe, expect, it } from 'vitest';
import { FLOW_ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK_BYTES } from '../../shared/limits';
import { AckCounter } from './flow-control';

describe('AckCounter', () => {
  it('waits until FLOW_ACK_EVERY_BYTES have been parsed', () => {
    const c = new AckCounter();
    expect(c.parsed(FLOW_ACK_EVERY_BYTES - 1)).toBe(0);
    expect(c.unacknowledged).toBe(FLOW_ACK_EVERY_BYTES - 1);
    expect(c.parsed(1)).toBe(FLOW_ACK_EVERY_BYTES);
    expect(c.unacknowledged).toBe(0);
  });

  it('acknowledges everything parsed so far, including the overshoot', () => {
    const c = new AckCounter(100);
    expect(c.parsed(60)).toBe(0);
    expect(c.parsed(70)).toBe(130);
    expect(c.parsed(99)).toBe(0);
    expect(c.parsed(1)).toBe(100);
  });

  it.each([
    [1, 4096],
    [7, 1000],
    [16_384, 64],
  ])('acks sum to the bytes parsed (write size %i x %i)', (size, count) => {
    const c = new AckCounter();
    let acked = 0;
    for (let i = 0; i < count; i++) acked += c.parsed(size);
    expect(acked + c.unacknowledged).toBe(size * count);
    // Never more than one ack interval outstanding, far below the server's stop mark.
    expect(c.unacknowledged).toBeLessThan(FLOW_ACK_EVERY_BYTES);
    expect(FLOW_ACK_EVERY_BYTES).toBeLessThan(FLOW_HIGH_WATERMARK_BYTES);
  });

  it('forgets the count on reset', () => {
    const c = new AckCounter(10);
    c.parsed(9);
    c.reset();
    expect(c.parsed(9)).toBe(0);
  });

  it.each([0, -1, 1.5])('rejects every=%s', (every) => {
    expect(() => new AckCounter(every)).toThrow(/every/);
  });
});
