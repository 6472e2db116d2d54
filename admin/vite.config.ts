import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The admin panel: a static bundle that Tender serves at /admin (src/http/routes/admin-panel-routes.ts).
 * Built by `npm run build` (so by `npm ci` through `prepare`). Everything it emits is a file:
 * the panel runs under a CSP without 'unsafe-inline' for scripts or styles.
 */
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline assets would become data: URLs; the CSP allows data: only for images.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
});
