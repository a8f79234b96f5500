/**
 * Entry point: read the share link into the store, start the link sync and the runner
 * (backend acquisition), then render. Uncaught failures also become notices (an error boundary keeps the page).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { runner } from './app/instance';
import { lifWasmAvailable } from './engine/spiking/cpu/lifWasm';
import { startLinkSync } from './state/link';
import { appStore } from './state/store';
import { App } from './ui/App';
import { ErrorBoundary } from './ui/ErrorBoundary';
import './ui/app.css';

// Whether this page may compile the CPU backend's WebAssembly kernels (the CSP grants
// 'wasm-unsafe-eval'; without it the JavaScript twins run): <html data-wasm="yes|no">.
document.documentElement.dataset.wasm = lifWasmAvailable() ? 'yes' : 'no';

startLinkSync(appStore, window);
void runner.init();

window.addEventListener('unhandledrejection', (e) => {
  const r: unknown = e.reason;
  appStore
    .getState()
    .pushNotice('error', `Unexpected error: ${r instanceof Error ? r.message : String(r)}`);
});
window.addEventListener('error', (e) => {
  if (e.error === undefined && !e.message) return;
  appStore.getState().pushNotice('error', `Unexpected error: ${e.message}`);
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary label="the app">
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
