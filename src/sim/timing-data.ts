/**
 * The timing data a voice task that asked for `timestamps: true` returns in its resultJson, in
 * the shape the simulator is told to use (types.ts TimingShape), so that clients are tested
 * against each place kie.ai might put it. Times are consistent with the placeholder audio: the
 * characters of the text are spread evenly over its length, inside it.
 */
import type { TaskRecord } from './tasks.js';
import type { TimingShape } from './types.js';

/** Silence before the first and after the last character, as real speech has. */
const EDGE_SECONDS = 0.05;

/** Fields to merge into the task's resultJson; empty when there is no timing data to give. */
export function timingData(task: TaskRecord, shape: TimingShape): Record<string, unknown> {
  const { input } = task.request;
  if (shape === 'none' || input.timestamps !== true || typeof input.text !== 'string') return {};
  const alignment = characterAlignment(input.text, task.audio.durationSeconds);
  switch (shape) {
    case 'characters':
      return { alignment };
    case 'nested':
      return { resultObject: { alignment } };
    case 'words':
      return { words: wordsOf(alignment).map((w) => ({ text: w.word, start_time: w.start, end_time: w.end })) };
    case 'timestamps':
      return { timestamps: wordsOf(alignment) };
    case 'unknown':
      return {
        speechMarks: wordsOf(alignment).map((w) => ({
          value: w.word,
          t_ms: Math.round(w.start * 1000),
          len_ms: Math.round((w.end - w.start) * 1000),
        })),
      };
  }
}

interface Alignment {
  characters: string[];
  character_start_times_seconds: number[];
  character_end_times_seconds: number[];
}

function characterAlignment(text: string, duration: number): Alignment {
  const characters = [...text];
  const edge = Math.min(EDGE_SECONDS, duration / 10);
  const step = (duration - 2 * edge) / Math.max(1, characters.length);
  const at = (i: number) => Math.round((edge + i * step) * 1000) / 1000;
  return {
    characters,
    character_start_times_seconds: characters.map((_, i) => at(i)),
    character_end_times_seconds: characters.map((_, i) => at(i + 1)),
  };
}

function wordsOf(alignment: Alignment): Array<{ word: string; start: number; end: number }> {
  const words: Array<{ word: string; start: number; end: number }> = [];
  let current: { word: string; start: number; end: number } | undefined;
  alignment.characters.forEach((char, i) => {
    if (char.trim() === '') {
      current = undefined;
      return;
    }
    const start = alignment.character_start_times_seconds[i] ?? 0;
    const end = alignment.character_end_times_seconds[i] ?? start;
    if (current === undefined) {
      current = { word: char, start, end };
      words.push(current);
    } else {
      current.word += char;
      current.end = end;
    }
  });
  return words;
}
