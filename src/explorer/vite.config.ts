import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The explorer's build: `npm run build:explorer` writes dist/explorer/ (static files with relative paths, so they
 * can be served from any directory; `meshpay explorer` serves them with a config.json).
 */
export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/explorer", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1500,
  },
});
