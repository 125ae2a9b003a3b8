import { z } from 'zod';

/**
 * The managed console's rule form, as it travels: a policy matches when ANY rule matches, and a
 * rule when ALL its conditions hold. libs/routing refines this shape (operator/value agreement,
 * regex syntax) and compiles it.
 */
export const ruleConditionOperatorSchema = z.enum(['equal', 'not_equal', 'in', 'not_in', 'regex', 'not_regex']);
export type RuleConditionOperator = z.infer<typeof ruleConditionOperatorSchema>;

export const ruleConditionShapeSchema = z
  .object({
    label: z.string().min(1, 'label name must not be empty'),
    operator: ruleConditionOperatorSchema,
    value: z.union([z.string(), z.array(z.string())]),
  })
  .strict();

export const policyRuleShapeSchema = z
  .object({ conditions: z.array(ruleConditionShapeSchema).min(1, 'a rule needs at least one condition') })
  .strict();
export type PolicyRule = z.infer<typeof policyRuleShapeSchema>;
