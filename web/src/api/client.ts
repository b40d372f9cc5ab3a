/**
 * The one way the console talks to the API: openapi-fetch typed by the OpenAPI document
 * (schema.d.ts, `npm run web:api`), the signed-in user's ID token as the bearer (what the
 * API's JWT authorizer checks), and failures thrown as ApiProblem for the views to show.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { networkProblem, toProblem } from './problem';

export type ApiClient = ReturnType<typeof createApi>;

export function createApi(baseUrl: string, token: () => string | undefined) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const bearer = token();
      if (bearer) request.headers.set('authorization', `Bearer ${bearer}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful call, or the call's problem thrown; `response` too for ETag and headers. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    throw networkProblem(error);
  }
  if (!answer.response.ok || answer.error !== undefined) throw toProblem(answer.error, answer.response);
  return { data: answer.data as T, response: answer.response };
}

/** Just the data. */
export async function data<T>(call: Promise<Answer<T>>): Promise<T> {
  return (await unwrap(call)).data;
}
