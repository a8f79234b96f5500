/**
 * The app shell: header; left, the lab, presets and parameters; top, the run controls and the
 * backend badge; centre, the results and the plot grid. Keyboard: Alt+R run/pause, Alt+S step.
 */
import { useEffect } from 'react';
import { isRunning, runner } from '../app/instance';
import { Banners, Notices } from './Banners';
import { ErrorBoundary } from './ErrorBoundary';
import { Header } from './Header';
import { PlotGrid } from './PlotGrid';
import { Results } from './Results';
import { Sidebar } from './Sidebar';
import { Toolbar } from './Toolbar';

export function App() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key.toLowerCase();
      if (k === 'r') {
        e.preventDefault();
        if (isRunning()) runner.pause();
        else void runner.start();
      } else if (k === 's') {
        e.preventDefault();
        void runner.step();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <a className="skip-link" href="#plot-panel">
        Skip to the plots
      </a>
      <Header />
      <div className="body">
        <ErrorBoundary label="the setup panel">
          <Sidebar />
        </ErrorBoundary>
        <main className="main">
          <ErrorBoundary label="the toolbar">
            <Toolbar />
          </ErrorBoundary>
          <ErrorBoundary label="the results panel">
            <Results />
          </ErrorBoundary>
          <div className="plots-area">
            <Banners />
            <ErrorBoundary label="the plots">
              <PlotGrid />
            </ErrorBoundary>
          </div>
        </main>
      </div>
      <Notices />
    </div>
  );
}
