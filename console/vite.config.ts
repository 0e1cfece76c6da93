// The staff console: built to console/dist and served by the local stack at /console/.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Each screen is its own chunk (React.lazy routes); the budget is checked by bench/console-size.ts.
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
    // Which chunks each screen loads: bench/console-size.ts reads it.
    manifest: true,
  },
});
