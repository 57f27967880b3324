import { describe, expect, it } from 'vitest';
import { collectResultUrls, normalizeState, normalizeTaskInfo } from '../../src/kie/task-info.js';

describe('normalizeState', () => {
  it('maps states and aliases; unknown is pending', () => {
    expect(normalizeState('success')).toBe('success');
    expect(normalizeState('completed')).toBe('success');
    expect(normalizeState('fail')).toBe('fail');
    expect(normalizeState('failed')).toBe('fail');
    expect(normalizeState('FAIL')).toBe('fail');
    for (const s of ['waiting', 'queuing', 'generating', 'sleeping', '', 'weird']) expect(normalizeState(s)).toBe('pending');
  });
});

describe('normalizeTaskInfo', () => {
  it('parses param and resultJson JSON strings', () => {
    const info = normalizeTaskInfo(
      {
        taskId: 't1',
        model: 'elevenlabs/text-to-speech-turbo-2-5',
        state: 'success',
        param: JSON.stringify({ model: 'm', input: { text: 'hi' } }),
        resultJson: JSON.stringify({ resultUrls: ['https://cdn.example/a.mp3'] }),
        failCode: '',
        failMsg: '',
        creditsConsumed: 12,
      },
      't1',
    );
    expect(info).toEqual({
      taskId: 't1',
      model: 'elevenlabs/text-to-speech-turbo-2-5',
      state: 'success',
      rawState: 'success',
      resultUrls: ['https://cdn.example/a.mp3'],
      resultJson: { resultUrls: ['https://cdn.example/a.mp3'] },
      param: { model: 'm', input: { text: 'hi' } },
      creditsConsumed: 12,
    });
  });

  it('tolerates objects and empty strings for the JSON fields', () => {
    const info = normalizeTaskInfo({ state: 'generating', param: { a: 1 }, resultJson: '' }, 'req');
    expect(info?.taskId).toBe('req');
    expect(info?.param).toEqual({ a: 1 });
    expect(info?.resultJson).toBeUndefined();
    expect(info?.resultUrls).toEqual([]);
    expect(normalizeTaskInfo({ state: 'success', resultJson: { resultUrls: ['u'] } }, 'x')?.resultUrls).toEqual(['u']);
    // unparsable text is kept for the caller to see
    expect(normalizeTaskInfo({ state: 'success', resultJson: '{broken' }, 'x')?.resultJson).toBe('{broken');
  });

  it('turns a numeric failCode into a string and reads consumeCredits', () => {
    const info = normalizeTaskInfo({ taskId: 't', state: 'fail', failCode: 500, failMsg: 'Internal Error', consumeCredits: 0 }, 't');
    expect(info).toMatchObject({ state: 'fail', failCode: '500', failMsg: 'Internal Error', creditsConsumed: 0 });
  });

  it('treats an unknown state as pending and keeps it raw', () => {
    expect(normalizeTaskInfo({ state: 'thinking' }, 't')).toMatchObject({ state: 'pending', rawState: 'thinking' });
  });

  it('returns undefined when data is not a record', () => {
    expect(normalizeTaskInfo(null, 't')).toBeUndefined();
    expect(normalizeTaskInfo('x', 't')).toBeUndefined();
  });
});

describe('collectResultUrls', () => {
  it('scans resultUrls then the fallback keys, without duplicates', () => {
    expect(collectResultUrls({ resultUrls: ['a', 'a', 'b'] })).toEqual(['a', 'b']);
    expect(collectResultUrls({ resultUrls: 'a' })).toEqual(['a']);
    expect(collectResultUrls({ url: 'a' })).toEqual(['a']);
    expect(collectResultUrls({ audioUrl: 'a' })).toEqual(['a']);
    expect(collectResultUrls({ audio_url: 'a' })).toEqual(['a']);
    expect(collectResultUrls({ resultUrls: [{ url: 'a' }] })).toEqual(['a']);
    expect(collectResultUrls({ resultObject: { audio_url: 'a' } })).toEqual(['a']);
    expect(collectResultUrls({ resultUrls: [], other: 1 })).toEqual([]);
    expect(collectResultUrls(undefined)).toEqual([]);
    expect(collectResultUrls(['a'])).toEqual(['a']);
  });
});
