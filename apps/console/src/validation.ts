import { BadRequestException } from '@nestjs/common';
import { MatcherParseError, parseMatcher } from '@alertlark/routing';

/** One problem with a request, named by where it is (`matchers.1`, `rules[0].conditions[1].value`). */
export interface ValidationIssue {
  path: string;
  message: string;
  /** For a matcher: the 0-based index in the matcher string where parsing broke. */
  position?: number;
}

/** The 400 of a refused request: every problem at once, in the one error shape. */
export function validationFailed(issues: readonly ValidationIssue[]): BadRequestException {
  return new BadRequestException({
    error: 'validation_failed',
    message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    details: issues,
  });
}

export function rejectIfInvalid(issues: readonly ValidationIssue[]): void {
  if (issues.length > 0) throw validationFailed(issues);
}

/**
 * Matchers are parsed here with the router's own parser, so a bad one is refused with where it
 * breaks (`field.N`, position) and the router never meets one.
 */
export function matcherIssues(field: string, matchers: readonly string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  matchers.forEach((matcher, index) => {
    try {
      parseMatcher(matcher);
    } catch (error) {
      if (!(error instanceof MatcherParseError)) throw error;
      issues.push({ path: `${field}.${index}`, position: error.position, message: error.message });
    }
  });
  return issues;
}
