import ts from "typescript";
import { PackageBuildError } from "./PackageBuildError.ts";

/**
 * One tsc run for every package's entries (they share most of src/protocol, so one program type-checks and emits
 * it once): JavaScript and .d.ts of the entries and everything they import, under `outDir` with src/'s layout
 * (src/cli/context/x.ts → <outDir>/cli/context/x.js), relative `.ts` imports rewritten to `.js`. The options are the
 * repository's tsconfig.json ones, emitting instead of noEmit. Type errors fail the build (TSC_FAILED).
 */
export function emitSources(repoRoot: string, entries: readonly string[], outDir: string): void {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    erasableSyntaxOnly: true,
    verbatimModuleSyntax: true,
    declaration: true,
    rootDir: `${repoRoot}/src`,
    outDir,
    newLine: ts.NewLineKind.LineFeed,
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0 || emitted.emitSkipped)
    throw new PackageBuildError(
      "TSC_FAILED",
      ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => repoRoot,
        getNewLine: () => "\n",
      }),
    );
}
