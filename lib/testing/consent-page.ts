/** The fake's consent page: the authorization request's parameters and two buttons, "Allow" and "Cancel". */

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/** An HTML page whose form repeats the request to `action` with `decision=allow` or `decision=deny`. */
export function consentPage(action: string, params: URLSearchParams, appName: string, scopes: readonly string[]): string {
  const hidden = [...params].filter(([name]) => name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Amazon (fake): sign in</title></head><body>
<h1>Login with Amazon (fake)</h1>
<p><strong>${escape(appName)}</strong> would like to access: ${scopes.map(escape).join(', ')}</p>
<form method="get" action="${escape(action)}">${hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>`;
}
