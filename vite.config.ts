import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// WGSL files are imported as text (`?raw`), so the same shader sources serve the browser
// and Node (where they are read from disk).
export default defineConfig({
  plugins: [react()],
  base: './',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 5000 },
});
