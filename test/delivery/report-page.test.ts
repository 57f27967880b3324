import { describe, expect, it } from 'vitest';
import type { ReviewRow } from '../../src/delivery/report-data.js';
import { reportPage } from '../../src/delivery/report-page.js';

const HOSTILE = '</script><script>alert("x")</script> \u2028 "quoted" & <b>';

const row: ReviewRow = {
  id: 'line.1',
  kind: 'voice',
  out: 'out/line.mp3',
  src: '../out/line.mp3',
  text: HOSTILE,
  speaker: 'Smith',
  language: null,
  model: 'elevenlabs/text-to-speech-turbo-2-5',
  params: { text: HOSTILE },
  status: 'up to date',
  reason: 'up to date',
  durationSeconds: 1,
  loudnessLufs: null,
  truePeakDb: null,
  peaks: [0, 0.5],
  takes: [],
};

describe('reportPage', () => {
  it('embeds the rows so that no text can end the data element, and they read back unchanged', () => {
    const html = reportPage({ title: 'a <title> & "more"', rows: [row] });
    const start = html.indexOf('<script type="application/json" id="kieaudio-data">');
    const end = html.indexOf('</script>', start);
    const embedded = html.slice(start + '<script type="application/json" id="kieaudio-data">'.length, end);
    expect(embedded).not.toContain('<');
    expect(JSON.parse(embedded)).toEqual({ title: 'a <title> & "more"', rows: [row] });
    expect(html).toContain('<title>kieaudio review: a &lt;title&gt; &amp; &quot;more&quot;</title>');
  });

  it('needs nothing from the network', () => {
    const html = reportPage({ title: 't', rows: [] });
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });
});
