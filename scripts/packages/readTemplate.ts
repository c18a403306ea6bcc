import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PackageBuildError } from "./PackageBuildError.ts";

/** What packages/<dir>/package.json holds besides the published fields: how to build it (removed on output). */
export type BuildSpec = {
  /** Source files or folders (every .ts file under them), relative to the repository root: the package's entries. */
  entries: string[];
  /** Imported packages the host application brings (peerDependencies, versions from the root package.json). */
  peer?: string[];
  /** Imported packages installed when they can be (optionalDependencies); the code says when one is missing. */
  optional?: string[];
  /** Files or folders of packages/<dir> copied as they are into the package (e.g. its bin launcher). */
  copy?: string[];
};

export type PackageTemplate = Record<string, unknown> & { name: string; meshpayBuild: BuildSpec };

/** packages/<dir>/package.json: the published fields plus `meshpayBuild` (how to build it, removed on output). */
export function readTemplate(repoRoot: string, dir: string): PackageTemplate {
  const path = join(repoRoot, "packages", dir, "package.json");
  const template = JSON.parse(readFileSync(path, "utf8")) as Partial<PackageTemplate>;
  if (typeof template.name !== "string" || !template.meshpayBuild?.entries?.length)
    throw new PackageBuildError("TEMPLATE_INVALID", `${path} needs "name" and "meshpayBuild.entries".`);
  return template as PackageTemplate;
}
