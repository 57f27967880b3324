/**
 * The config's `budget:` key: the most credits one build may spend on new tasks (contract, Part 2,
 * "Budgets"; docs/budgets.md). `--max-credits` overrides it for one run.
 */
import { z } from 'zod';
import { describeFound, quotedNumberHint } from './describe.js';
import { containerError, unset } from './param-schemas.js';

const creditsError = (issue: { input?: unknown }) =>
  `expected a number of credits, 0 or more, found ${describeFound(issue.input)}${quotedNumberHint(issue.input)}`;

export const BudgetSchema = z
  .strictObject(
    {
      maxCredits: unset(
        z
          .number({ error: creditsError })
          .min(0, { error: creditsError })
          .describe(
            'The most credits one build may spend on new tasks: a build whose estimate is over it is refused (exit 4) before anything is sent, and a build stops submitting before it would pass it. --max-credits overrides it.',
          ),
      ),
    },
    { error: containerError('a map such as { maxCredits: 500 }') },
  )
  .optional()
  .describe('Spending limits of a build (docs/budgets.md).');

export type BudgetInput = z.output<typeof BudgetSchema>;
