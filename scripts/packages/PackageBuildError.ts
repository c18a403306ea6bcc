/** Why a package could not be built. Stable codes, so a test or CI can tell the cases apart. */
export type PackageBuildErrorCode =
  | "TEMPLATE_INVALID"
  | "TSC_FAILED"
  | "DEV_DEPENDENCY_IMPORTED"
  | "UNDECLARED_PACKAGE"
  | "ENTRY_MISSING";

export class PackageBuildError extends Error {
  readonly code: PackageBuildErrorCode;
  constructor(code: PackageBuildErrorCode, message: string) {
    super(message);
    this.name = "PackageBuildError";
    this.code = code;
  }
}
