/**
 * The single HTML template of SNN Lab's webviews: strict CSP (default-src 'none', nonce scripts, styles and images
 * only from the webview's own resource origin) and the resource roots. Runtime-free of `vscode` (type imports only)
 * so the browser tests serve exactly this page.
 */
import type * as vscode from 'vscode';

/** The inputs of {@link buildHtml}; URIs are already webview URIs (asWebviewUri) or test-server URLs. */
export interface HtmlOptions {
  /** `webview.cspSource`: the origin scripts, styles and fonts may come from. */
  cspSource: string;
  nonce: string;
  title: string;
  /** Scripts, loaded in order with the nonce. */
  scripts: string[];
  styles: string[];
  /** Becomes `data-view` on <body>, so CSS can tell the dashboard from the sidebar. */
  view: 'dashboard' | 'sidebar';
  /**
   * A script that carries the page's first host message (firstSnapshotFile.ts): loaded beside the bundle and run just
   * before it (both `defer`), so the page draws that message as soon as its bundle runs, without a round trip.
   */
  firstScript?: string;
}

/** A 128-bit random nonce, base64 (crypto.getRandomValues exists in Node 20 and in browsers). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The Content-Security-Policy. The charts draw on <canvas> (sized by the stylesheet) and set legend swatch colours
 * through the CSSOM (element.style), which style-src does not govern, so no 'unsafe-inline' is needed. test/webview
 * checks that no CSP violation is reported.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The complete HTML document of a webview. */
export function buildHtml(o: HtmlOptions): string {
  const styles = o.styles.map((href) => `<link rel="stylesheet" href="${escapeAttr(href)}">`).join('\n    ');
  const scripts = [...(o.firstScript === undefined ? [] : [o.firstScript]), ...o.scripts]
    .map((src) => `<script defer nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(src)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    ${scripts}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body data-view="${o.view}">
    <div id="app" role="application" aria-label="${escapeAttr(o.title)}"></div>
  </body>
</html>`;
}

/** Joins path segments onto a URI without the runtime `vscode` module (Uri.with is an instance method). */
function join(base: vscode.Uri, ...segments: string[]): vscode.Uri {
  return base.with({ path: [base.path.replace(/\/+$/, ''), ...segments].join('/') });
}

/** Webview options: scripts on, resources only from dist/webview, media and the `extra` folders. */
export function webviewOptions(extensionUri: vscode.Uri, extra: vscode.Uri[] = []): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [join(extensionUri, 'dist', 'webview'), join(extensionUri, 'media'), ...extra],
  };
}

/** The HTML for one of the two webviews, with its bundle and stylesheet resolved through asWebviewUri. */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  view: 'dashboard' | 'sidebar',
  firstScript?: vscode.Uri,
): string {
  return buildHtml({
    ...(firstScript === undefined ? {} : { firstScript: webview.asWebviewUri(firstScript).toString() }),
    cspSource: webview.cspSource,
    nonce: newNonce(),
    title: view === 'dashboard' ? 'SNN Lab Dashboard' : 'SNN Lab Runs',
    view,
    scripts: [webview.asWebviewUri(join(extensionUri, 'dist', 'webview', `${view}.js`)).toString()],
    styles: [webview.asWebviewUri(join(extensionUri, 'media', `${view}.css`)).toString()],
  });
}
