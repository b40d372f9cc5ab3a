import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { CONSOLE_ASSETS_DIR } from '../functions/topology/console-paths.js';

// One build serves both modes: everything that differs (API URL, sign-in authority) comes from /config.json at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: CONSOLE_ASSETS_DIR,
    emptyOutDir: true,
    sourcemap: false,
  },
});
