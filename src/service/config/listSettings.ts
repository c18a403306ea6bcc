import { z } from "zod";
import { type SettingMeta, settingRegistry } from "./setting.ts";

/** A schema's settings in order: each leaf's dotted path and meta, and the dotted paths of its sections. */
export function listSettings(schema: z.ZodType): {
  settings: { path: string; meta: SettingMeta }[];
  sections: string[];
} {
  const settings: { path: string; meta: SettingMeta }[] = [];
  const sections: string[] = [];
  const walk = (node: z.ZodType, path: string) => {
    if (node instanceof z.ZodObject) {
      if (path !== "") sections.push(path);
      for (const [key, child] of Object.entries(node.shape as Record<string, z.ZodType>))
        walk(child, path === "" ? key : `${path}.${key}`);
      return;
    }
    const meta = settingRegistry.get(node);
    if (meta === undefined) throw new Error(`${path} is not made by setting()`);
    settings.push({ path, meta });
  };
  walk(schema, "");
  return { settings, sections };
}
