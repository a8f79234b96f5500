import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The built app's Content-Security-Policy (a <meta> tag; the dev server injects inline scripts
 * for hot reload, so it applies to the build only). No inline scripts, no eval; WebAssembly
 * compilation of the app's own kernels ('wasm-unsafe-eval': compiles WebAssembly, never
 * JavaScript; the CPU backend's spiking kernels run ~4× faster with it). Plotly needs
 * inline styles, and data:/blob: images for its PNG/SVG export. `frame-ancestors` and
 * `report-uri` are not allowed in a <meta> policy, so they are left to the web server.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'eilab-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

// WGSL files are imported as text (`?raw`), so the same shader sources serve the browser
// and Node (where they are read from disk).
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  base: './',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 5000 },
  // the simulation worker (app/simWorker.ts) is a module worker from 'self' (CSP worker-src)
  worker: { format: 'es' },
});
