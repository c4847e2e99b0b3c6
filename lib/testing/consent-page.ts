/**
 * The fake's consent page: the app's name, the scopes asked for, and two buttons, "Allow" and
 * "Cancel", in a form that POSTs the page's consent token back to the authorization page. It
 * may not be framed (no clickjacking) nor cached.
 */

/** `value` safe in HTML text and attribute values. */
export function escapeHTML(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/** Headers of every page of the authorization endpoint. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  // No form-action: Chromium applies it to the redirect back to the app after the POST.
  'content-security-policy': 'frame-ancestors \'none\'',
  'cache-control': 'no-store',
  // Not no-referrer: with it, Chromium sends "Origin: null" on the page's own POST.
  'referrer-policy': 'same-origin',
};

/** An HTML page whose form POSTs `consent_token` and `decision=allow` or `decision=deny` to `action`. */
export function consentPage(action: string, consentToken: string, appName: string, scopes: readonly string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Amazon (fake): sign in</title></head><body>
<h1>Login with Amazon (fake)</h1>
<p><strong>${escapeHTML(appName)}</strong> would like to access: ${scopes.map(escapeHTML).join(', ')}</p>
<form method="post" action="${escapeHTML(action)}"><input type="hidden" name="consent_token" value="${escapeHTML(consentToken)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>`;
}
