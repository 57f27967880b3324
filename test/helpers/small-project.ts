/** A small project for watch and CLI tests: three short assets in two spec files. */
import { FAST_API, makeProject } from './project.js';

export const NPC = 'audio/npc.audio.yaml';
export const SFX = 'audio/sfx.audio.yaml';

export function smallProject(): Promise<string> {
  return makeProject({
    'kieaudio.config.yaml': `version: 1\ninclude: ["audio/**/*.audio.yaml"]\noutDir: out\n${FAST_API}defaults:\n  voice: { voice: Rachel }\n`,
    [NPC]: [
      'assets:',
      '  - id: smith.greet',
      '    kind: voice',
      '    text: "Need a blade sharpened?"',
      '    out: npc/greet.mp3',
      '    stability: 0.4',
      '  - id: smith.bye',
      '    kind: voice',
      '    text: "Mind the edge."',
      '    out: npc/bye.mp3',
      '',
    ].join('\n'),
    [SFX]: 'assets:\n  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }\n',
  });
}
