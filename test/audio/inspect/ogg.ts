/**
 * Ogg Opus structure: every page has the capture pattern and a correct CRC, pages of the one
 * logical stream are in sequence, the stream starts with a BOS page holding OpusHead followed by
 * OpusTags, and the last page has the EOS flag. Duration is the last granule minus the pre-skip.
 */

import { OGG_BOS, OGG_CONTINUED, OGG_EOS, type OggPage, readOggPage } from '../../../src/audio/ogg-page.js';
import type { AudioInfo } from './inspect.js';

const OPUS_RATE = 48000;

export function inspectOgg(bytes: Uint8Array): AudioInfo {
  const pages: OggPage[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const page = readOggPage(bytes, offset);
    pages.push(page);
    offset += page.byteLength;
  }
  const first = pages[0];
  const last = pages[pages.length - 1];
  if (first === undefined || last === undefined) throw new Error('Ogg file has no pages');
  if (!(first.headerType & OGG_BOS)) throw new Error('first Ogg page lacks the beginning-of-stream flag');
  pages.forEach((page, index) => {
    if (page.serial !== first.serial) {
      throw new Error(`Ogg page at offset ${page.offset} belongs to another stream (only single-stream files are supported)`);
    }
    if (page.sequence !== first.sequence + index) {
      throw new Error(
        `Ogg page at offset ${page.offset} has sequence ${page.sequence}, expected ${first.sequence + index}: a page is missing`,
      );
    }
    if (index > 0 && page.headerType & OGG_BOS) throw new Error(`Ogg page at offset ${page.offset} repeats the BOS flag`);
    if (page !== last && page.headerType & OGG_EOS) throw new Error(`Ogg page at offset ${page.offset} has EOS but is not the last page`);
  });
  if (!(last.headerType & OGG_EOS)) throw new Error('last Ogg page lacks the end-of-stream flag: the stream is truncated');

  const [head, tags] = firstPackets(pages, 2);
  if (head === undefined || Buffer.from(head.subarray(0, 8)).toString('latin1') !== 'OpusHead' || head.length < 19) {
    throw new Error('Ogg stream does not start with an OpusHead packet (only Ogg Opus is supported)');
  }
  if (tags === undefined || Buffer.from(tags.subarray(0, 8)).toString('latin1') !== 'OpusTags') {
    throw new Error('Ogg Opus stream lacks the OpusTags packet');
  }
  const preSkip = Buffer.from(head).readUInt16LE(10);
  const finalGranule = [...pages].reverse().find((p) => p.granulePosition !== -1n)?.granulePosition;
  if (finalGranule === undefined || finalGranule < BigInt(preSkip)) {
    throw new Error(`Ogg Opus stream's final granule position ${String(finalGranule)} is below its pre-skip ${preSkip}`);
  }
  return {
    container: 'ogg',
    durationSeconds: Number(finalGranule - BigInt(preSkip)) / OPUS_RATE,
    sampleRate: OPUS_RATE,
  };
}

/** Reassembles the first `count` packets from the pages' lacing values. */
function firstPackets(pages: readonly OggPage[], count: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  for (const page of pages) {
    if (!(page.headerType & OGG_CONTINUED)) current = [];
    let at = 0;
    for (const lacing of page.segments) {
      current.push(page.body.subarray(at, at + lacing));
      at += lacing;
      if (lacing < 255) {
        packets.push(Buffer.concat(current));
        current = [];
        if (packets.length === count) return packets;
      }
    }
  }
  return packets;
}
