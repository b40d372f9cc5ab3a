import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// One build serves both modes: everything that differs (API URL, sign-in authority) comes from /config.json at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    // Not `assets/`: locally the console shares its origin with the API, whose GET /assets/{id} would win.
    assetsDir: 'static',
    emptyOutDir: true,
    sourcemap: false,
  },
});
