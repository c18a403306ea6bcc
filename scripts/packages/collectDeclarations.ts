import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import ts from "typescript";

/**
 * The .d.ts files a TypeScript user of the entries needs: each entry's declaration file and, transitively, the
 * declaration files its relative imports (`./x.js`, `import("./x.js")` types) point to.
 */
export function collectDeclarations(entries: readonly string[]): Set<string> {
  const files = new Set<string>();
  const queue = entries.map((js) => js.replace(/\.js$/, ".d.ts"));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file) || !existsSync(file)) continue;
    files.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles)
      if (fileName.startsWith(".")) queue.push(resolve(dirname(file), fileName).replace(/\.js$/, ".d.ts"));
  }
  return files;
}
