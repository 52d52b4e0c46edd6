// Vite config for the admin SPA. The control plane serves dist/ at '/', so `base` is '/'; in dev
// the GraphQL endpoint (HTTP and graphql-ws) is proxied to a locally running control plane.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      '/graphql': { target: process.env.ADMIN_DEV_API ?? 'http://localhost:8080', ws: true, changeOrigin: true },
    },
  },
});
