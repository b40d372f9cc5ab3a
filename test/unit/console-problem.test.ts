import { describe, expect, it } from 'vitest';
import { ApiProblem, networkProblem, toProblem } from '../../web/src/api/problem.js';

describe("the console's API problems", () => {
  it('keeps a problem+json body as it is, with its correlation id and the field errors by form field', () => {
    const problem = toProblem(
      {
        type: 'https://caseway.dev/problems/validation-failed',
        title: 'Your request is not valid',
        status: 400,
        detail: 'The request is not valid.',
        correlationId: 'c-1',
        errors: [{ field: 'body.fields.orderNumber', rule: 'invalid_format', message: 'orderNumber must match' }],
      },
      new Response(null, { status: 400, headers: { 'x-request-id': 'r-1' } }),
    );
    expect(problem).toBeInstanceOf(ApiProblem);
    expect([problem.status, problem.problem.title, problem.problem.detail, problem.correlationId]).toEqual([
      400,
      'Your request is not valid',
      'The request is not valid.',
      'c-1',
    ]);
    expect(problem.errorsFor('orderNumber').map((e) => e.rule)).toEqual(['invalid_format']);
    expect(problem.errorsFor('order')).toEqual([]);
  });

  it("turns what is not a problem (the gateway's plain 401 or 500) into one, with the request id as the correlation id", () => {
    const unauthorized = toProblem({ message: 'Unauthorized' }, new Response(null, { status: 401, statusText: 'Unauthorized' }));
    expect([unauthorized.status, unauthorized.problem.title]).toEqual([401, 'Unauthorized']);
    const crashed = toProblem({ message: 'Internal Server Error' }, new Response(null, { status: 500, headers: { 'x-request-id': 'req-9' } }));
    expect([crashed.status, crashed.problem.title, crashed.correlationId]).toEqual([500, 'Internal Server Error', 'req-9']);
    const offline = networkProblem(new TypeError('Failed to fetch'));
    expect([offline.status, offline.problem.title, offline.problem.detail]).toEqual([0, 'The server could not be reached', 'Failed to fetch']);
  });
});
