import { STYLE } from './page.js';

/** What the account page shows: the signed-in user, or why nobody is signed in. */
export type AccountView =
  | { signedIn: true; name: string; email: string | undefined; id: string; expiresIn: number | undefined }
  | { signedIn: false; message: string | undefined };

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

function body(view: AccountView): string {
  if (!view.signedIn) {
    return `<div class="card error" role="status"><h2>Not signed in</h2>
<p>${escape(view.message ?? 'Sign in with Amazon to see your profile.')}</p></div>
<p><a href="/">Back to the start page</a></p>`;
  }
  const rows: [string, string][] = [
    ['name', view.name || '(not shared)'], ['email', view.email ?? '(not shared)'], ['user id', view.id],
    ['access token', view.expiresIn === undefined ? 'kept by the server' : `valid ${String(view.expiresIn)} s from sign-in`],
  ];
  return `<div class="card ok" role="status"><h2>Signed in as ${escape(view.name || view.id)}</h2>
<dl>${rows.map(([name, value]) => `<dt>${name}</dt><dd>${escape(value)}</dd>`).join('')}</dl></div>
<form method="post" action="/logout" class="buttons"><button type="submit">Sign out</button></form>`;
}

/** The page `/account` shows after the code grant's callback (server-rendered, no script). */
export function accountPage(view: AccountView): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>passport-login-with-amazon · Express example · account</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Your account</h1>
${body(view)}
</main>
</body>
</html>
`;
}
