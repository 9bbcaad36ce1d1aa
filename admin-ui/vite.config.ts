import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Dev server proxies the API to a running service (`npm start`). */
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
