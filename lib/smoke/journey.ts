/**
 * The smoke test's journey: what the end-to-end tests do through `npm start` (test/e2e/npm-start.test.ts,
 * the requester portal), done over plain HTTP against any deployment's base URL. It knows nothing
 * of how the API is hosted: the same steps run against the local gateway and a stage in AWS.
 */

export interface JourneyOptions {
  /** Base URL of the API, e.g. the stack's ApiUrl output or `http://127.0.0.1:3000`. */
  readonly api: string;
  /** A requester's bearer token; without one only the routes that need none are checked. */
  readonly token?: string;
  /** Where each step's outcome is written. */
  readonly log?: (line: string) => void;
}

/** A step that did not go as the API promises, with what came back instead. */
export class SmokeFailure extends Error {}

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: unknown;
}

export async function runJourney({ api, token, log = console.log }: JourneyOptions): Promise<void> {
  const base = api.replace(/\/+$/, '');
  const call = async (method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<Answer> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SmokeFailure(`cannot reach ${base}${path}: ${cause?.code ?? cause?.message ?? String(error)}`);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text for the message
    }
    return { status: response.status, type: response.headers.get('content-type') ?? '', body };
  };
  const expectStatus = (step: string, answer: Answer, status: number): void => {
    if (answer.status !== status)
      throw new SmokeFailure(`${step}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300) ?? ''}`.trim());
    log(`  ok  ${step} (${status})`);
  };

  log(`Smoke test against ${base}`);
  const document = await call('GET', '/openapi.json');
  expectStatus('GET /openapi.json serves the API description', document, 200);
  if (!String((document.body as { openapi?: unknown } | undefined)?.openapi ?? '').startsWith('3.'))
    throw new SmokeFailure('GET /openapi.json: the answer is not an OpenAPI 3 document');

  const anonymous = await call('GET', '/cases');
  expectStatus('GET /cases without a token is refused', anonymous, 401);

  if (!token) {
    log('  --  the signed-in journey was skipped: no token or credentials were given');
    return;
  }
  const subject = `Smoke test ${new Date().toISOString()}`;
  const created = await call('POST', '/cases', { token, body: { subject, description: 'Opened by the deployment smoke test (npm run smoke).' } });
  expectStatus('POST /cases opens a case', created, 201);
  const caseId = (created.body as { caseId?: string }).caseId;
  if (!caseId) throw new SmokeFailure('POST /cases: the answer has no caseId');

  const read = await call('GET', `/cases/${caseId}`, { token });
  expectStatus(`GET /cases/${caseId} reads it back`, read, 200);
  if ((read.body as { subject?: string }).subject !== subject) throw new SmokeFailure(`GET /cases/${caseId}: the subject is not the one just sent`);

  const comment = await call('POST', `/cases/${caseId}/comments`, { token, body: { body: 'A reply from the smoke test.' } });
  expectStatus(`POST /cases/${caseId}/comments adds a reply`, comment, 201);
  const comments = await call('GET', `/cases/${caseId}/comments`, { token });
  expectStatus(`GET /cases/${caseId}/comments lists it`, comments, 200);
  if (!JSON.stringify(comments.body).includes('A reply from the smoke test.'))
    throw new SmokeFailure(`GET /cases/${caseId}/comments: the reply is not listed`);

  const unknown = await call('GET', '/cases/CASE-2000-999999', { token });
  expectStatus('GET /cases/CASE-2000-999999 is not found', unknown, 404);
  if (!unknown.type.startsWith('application/problem+json'))
    throw new SmokeFailure(`GET /cases/CASE-2000-999999: expected application/problem+json, got '${unknown.type}'`);
}
