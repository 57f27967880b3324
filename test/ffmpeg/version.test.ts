import { describe, expect, it } from 'vitest';
import { compareFfmpegVersions, describeFfmpegVersion, parseFfmpegVersion } from '../../src/ffmpeg/version.js';

const LIBS_4_1 = `libavutil      56. 24.101 / 56. 24.101
libavcodec     58. 42.100 / 58. 42.100
libavfilter     7. 46.101 /  7. 46.101
`;

describe('parseFfmpegVersion', () => {
  it.each([
    // @ffmpeg-installer/linux-x64 4.1.0: a git snapshot
    [
      'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers',
      'N-47683-g0e8eb07980-static',
      undefined,
    ],
    ['ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023 the FFmpeg developers', '6.1.1-3ubuntu5', [6, 1, 1]],
    ['ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers', '4.4.2-0ubuntu0.22.04.1', [4, 4, 2]],
    ['ffmpeg version n7.0 Copyright (c) 2000-2024 the FFmpeg developers', 'n7.0', [7, 0, 0]],
    ['ffmpeg version 7.1-full_build-www.gyan.dev Copyright (c) 2000-2024 the FFmpeg developers', '7.1-full_build-www.gyan.dev', [7, 1, 0]],
    ['ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers', '5.1.6-0+deb12u1', [5, 1, 6]],
  ])('%s', (first, name, release) => {
    const version = parseFfmpegVersion(`${first}\nbuilt with gcc\n${LIBS_4_1}`);
    expect(version?.name).toBe(name);
    expect(version?.release).toEqual(release);
    expect(version?.libavfilter).toEqual([7, 46, 101]);
  });

  it('is undefined for what is not ffmpeg', () => {
    expect(parseFfmpegVersion('ffprobe version 6.0 Copyright')).toBeUndefined();
    expect(parseFfmpegVersion('')).toBeUndefined();
  });

  it('reads a build without library lines', () => {
    expect(parseFfmpegVersion('ffmpeg version 6.0')).toEqual({ name: '6.0', release: [6, 0, 0] });
  });
});

describe('compareFfmpegVersions', () => {
  const snapshot = parseFfmpegVersion(`ffmpeg version N-47683-g0e8eb07980-static\n${LIBS_4_1}`);
  const newer = parseFfmpegVersion('ffmpeg version 6.1.1\nlibavfilter     9. 12.100 /  9. 12.100');
  if (snapshot === undefined || newer === undefined) throw new Error('fixtures do not parse');

  it('orders by libavfilter, which snapshots print too', () => {
    expect(compareFfmpegVersions(newer, snapshot)).toBeGreaterThan(0);
    expect(compareFfmpegVersions(snapshot, newer)).toBeLessThan(0);
    expect(compareFfmpegVersions(snapshot, snapshot)).toBe(0);
  });

  it('orders releases without libraries by their numbers, and cannot order a bare snapshot', () => {
    expect(compareFfmpegVersions({ name: '7.1', release: [7, 1, 0] }, { name: '7.0.2', release: [7, 0, 2] })).toBeGreaterThan(0);
    expect(compareFfmpegVersions({ name: 'N-1-gabc' }, { name: '7.0', release: [7, 0, 0] })).toBeUndefined();
  });

  it('describes a version with its libavfilter', () => {
    expect(describeFfmpegVersion(snapshot)).toBe('N-47683-g0e8eb07980-static (libavfilter 7.46.101)');
  });
});
