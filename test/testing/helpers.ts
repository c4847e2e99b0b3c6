/** Client id the fake-Amazon tests create the fake with. */
export const CLIENT_ID = 'amzn1.application-oa2-client.test';
/** A customer with every profile field. */
export const ADA = { user_id: 'amzn1.account.A1', name: 'Ada Lovelace', email: 'ada@example.com', postal_code: '98052' };
/** Amazon's documented body for an unknown, expired or revoked token. */
export const INVALID_TOKEN = { error: 'invalid_token', error_description: 'The request has an invalid parameter : access_token' };

/** What a test sees of one HTTP answer from the fake. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** GETs a URL (optionally adding `access_token` to its query) and reads the whole answer. */
export async function get(
  url: string,
  options: { query?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Reply> {
  const target = new URL(url);
  if (options.query !== undefined) target.searchParams.set('access_token', options.query);
  const response = await fetch(target, { method: options.method ?? 'GET', headers: options.headers ?? {} });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: tests look at `text`
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A clock the test moves by hand, for expiry. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (seconds: number) => void } {
  let time = start;
  return { now: () => time, advance: (seconds) => { time += seconds * 1000; } };
}
