import { describe, expect, it } from 'vitest';
import { openerCommand } from '../../src/commands/open-page.js';

describe('openerCommand', () => {
  it("names each platform's opener with the page as one argument", () => {
    const page = '/tmp/a b/&c/index.html';
    expect(openerCommand('linux', page)).toEqual(['xdg-open', [page]]);
    expect(openerCommand('darwin', page)).toEqual(['open', [page]]);
    expect(openerCommand('win32', page)).toEqual(['explorer', [page]]);
  });
});
