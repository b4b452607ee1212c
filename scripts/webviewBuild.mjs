// @ts-check
// The webviews' esbuild options (dashboard and sidebar bundles), shared by esbuild.mjs and the benchmarks, which build
// the production bundles users get into their own folder (scripts/bench.mjs) instead of measuring the development build.

/**
 * esbuild options for the two webview bundles.
 * @param {{ production: boolean, outdir: string }} o `production`: minified, no source map (what ships)
 * @returns {import('esbuild').BuildOptions & { entryPoints: Record<string, string> }}
 */
export function webviewBuildOptions(o) {
  return {
    bundle: true,
    sourcemap: !o.production,
    minify: o.production,
    logLevel: 'warning',
    metafile: true,
    entryPoints: { dashboard: 'webview/dashboard/main.ts', sidebar: 'webview/sidebar/main.ts' },
    outdir: o.outdir,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  };
}
