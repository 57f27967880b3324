/** The config's `budget:` key: accepted values, and what a wrong one says, at its position. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/spec/parse.js';

const parse = (budget: string) => parseConfigText(`version: 1\nbudget: ${budget}\n`, 'kieaudio.config.yaml');

describe('budget.maxCredits', () => {
  it('takes a number of credits, 0 included; null or absent means no limit', () => {
    expect(parse('{ maxCredits: 250.5 }').config?.budget).toEqual({ maxCredits: 250.5 });
    expect(parse('{ maxCredits: 0 }').config?.budget).toEqual({ maxCredits: 0 });
    expect(parse('{ maxCredits: null }').diagnostics).toEqual([]);
    expect(parse('{}').diagnostics).toEqual([]);
  });

  it('refuses a negative number, a quoted one and an unknown key, naming the field and where', () => {
    const negative = parse('{ maxCredits: -5 }').diagnostics;
    expect(negative).toEqual([
      expect.objectContaining({
        line: 2,
        field: 'budget.maxCredits',
        message: expect.stringMatching(/expected a number of credits, 0 or more, found -5$/),
      }),
    ]);
    expect(parse('{ maxCredits: "500" }').diagnostics[0]?.message).toMatch(/expected a number of credits, 0 or more, found "500"/);
    expect(parse('{ maxCredit: 500 }').diagnostics[0]).toMatchObject({ severity: 'error', field: expect.stringContaining('maxCredit') });
  });
});
