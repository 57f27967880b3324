import { describe, expect, it } from 'vitest';
import { createCapture } from '../../src/ffmpeg/tail.js';

describe('createCapture', () => {
  it('keeps everything under the limit', () => {
    const capture = createCapture(100, 10);
    capture.push(Buffer.from('first line\n'));
    capture.push(Buffer.from('second line\n'));
    expect(capture.text()).toBe('first line\nsecond line\n');
  });

  it('keeps the beginning and whole lines of the end, and marks the cut', () => {
    const capture = createCapture(40, 10);
    capture.push(Buffer.from('Input #0\n'));
    for (let i = 0; i < 100; i++) capture.push(Buffer.from(`frame ${i}\n`));
    capture.push(Buffer.from('Summary\n'));
    const text = capture.text();
    expect(text.startsWith('Input #0\nf')).toBe(true);
    expect(text).toMatch(/\n\[…\]\nframe \d+\n/);
    expect(text.endsWith('frame 99\nSummary\n')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(40 + '\n[…]\n'.length);
  });
});
