import { fileURLToPath } from "node:url";

/** The meshpay package's root directory (where artifacts/, ignition/ and node_modules/ are). */
export const projectRoot: string = fileURLToPath(new URL("../../../", import.meta.url));
