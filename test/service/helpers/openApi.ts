// Test helper for the services' OpenAPI 3.1 documents (src/aggregator/http/openapi.json,
// src/verifier/http/openapi.json): structural checks of a document, a client that validates every real answer
// against the document's schema for its path, method and status (ajv, JSON Schema 2020-12), and the routes an
// express app registers. No tests here.
import assert from "node:assert/strict";
import { METHODS as HTTP_METHODS } from "node:http";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Express } from "express";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;
export type OpenApiDocument = Json & {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components?: Json;
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PATH_ITEM_FIELDS = new Set([...METHODS, "summary", "description", "parameters", "servers"]);
const ID = "https://meshpay.invalid/openapi.json";

/** A JSON pointer fragment part (RFC 6901). */
const pointerEscape = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");
const pointerUnescape = (part: string) => part.replaceAll("~1", "/").replaceAll("~0", "~");

/** The value at a local `$ref` ("#/a/b"), or undefined when it does not resolve. */
function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = doc;
  for (const part of ref.slice(2).split("/").map(pointerUnescape)) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, part)) return undefined;
    at = (at as Json)[part];
  }
  return at;
}

/** Ajv (strict, every error, formats) that knows the document: schemas are compiled by pointer into it. */
function createAjv(doc: OpenApiDocument): { ajv: Ajv2020; compile: (pointer: string) => ValidateFunction } {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The document is not a schema; its schemas are reached by JSON pointer below these (inert) keywords.
  for (const k of ["openapi", "info", "paths", "components", "tags", "jsonSchemaDialect", "servers"]) ajv.addKeyword(k);
  ajv.addSchema({ ...doc, $id: ID });
  const cache = new Map<string, ValidateFunction>();
  return {
    ajv,
    compile: (pointer) => {
      let v = cache.get(pointer);
      if (!v) {
        v = ajv.compile({ $ref: `${ID}${pointer}` });
        cache.set(pointer, v);
      }
      return v;
    },
  };
}

/** Every operation of the document as [method, path, operation]. */
function operations(doc: OpenApiDocument): [string, string, Json][] {
  const out: [string, string, Json][] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) if (item[method]) out.push([method, path, item[method]]);
  return out;
}

/**
 * What is structurally wrong with `doc` as an OpenAPI 3.1 document (empty when nothing): the version, info, paths
 * and path items, operations (unique operationId, declared tags, responses with a description and valid status
 * keys, path parameters matching the template), every `$ref` resolving inside the document, every schema valid
 * JSON Schema 2020-12 (compiled by ajv in strict mode) and every example valid against its schema.
 */
export function findDocumentProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== "string" || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push("openapi is not 3.1.x");
  if (typeof doc.info?.title !== "string" || typeof doc.info?.version !== "string")
    problems.push("info needs a title and a version");
  if (typeof doc.paths !== "object" || doc.paths === null) problems.push("paths is missing");
  const refs: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (typeof v === "object" && v !== null)
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string") refs.push(`${at}: ${x}`);
        walk(x, `${at}/${pointerEscape(k)}`);
      }
  };
  walk(doc, "#");
  for (const r of refs) {
    const ref = r.slice(r.lastIndexOf(": ") + 2);
    if (resolvePointer(doc, ref) === undefined) problems.push(`${r} does not resolve`);
  }
  const { compile } = createAjv(doc);
  const compiles = (pointer: string): ValidateFunction | undefined => {
    try {
      return compile(pointer);
    } catch (err) {
      problems.push(`${pointer}: ${(err as Error).message}`);
      return undefined;
    }
  };
  for (const name of Object.keys(doc.components?.schemas ?? {}))
    compiles(`#/components/schemas/${pointerEscape(name)}`);
  const tags = new Set((doc.tags ?? []).map((t: { name: string }) => t.name));
  const ids = new Set<string>();
  const checkContent = (content: Json | undefined, at: string) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (!media.schema) {
        problems.push(`${at}/content/${pointerEscape(type)} has no schema`);
        continue;
      }
      const v = compiles(`${at}/content/${pointerEscape(type)}/schema`);
      if (v && media.example !== undefined && !v(media.example))
        problems.push(`${at}/content/${pointerEscape(type)}/example: ${JSON.stringify(v.errors)}`);
    }
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith("/")) problems.push(`path ${path} does not start with /`);
    for (const key of Object.keys(item)) if (!PATH_ITEM_FIELDS.has(key)) problems.push(`${path}: unknown field ${key}`);
  }
  for (const [method, path, op] of operations(doc)) {
    const at = `#/paths/${pointerEscape(path)}/${method}`;
    if (typeof op.operationId !== "string" || ids.has(op.operationId))
      problems.push(`${at}: missing or repeated operationId`);
    ids.add(op.operationId);
    for (const t of op.tags ?? []) if (!tags.has(t)) problems.push(`${at}: tag ${t} is not declared`);
    const responses = Object.entries(op.responses ?? {});
    if (responses.length === 0) problems.push(`${at}: no responses`);
    for (const [status, response] of responses) {
      const r = (response as Json).$ref ? (resolvePointer(doc, (response as Json).$ref) as Json) : (response as Json);
      if (!/^([1-5][0-9][0-9]|[1-5]XX|default)$/.test(status)) problems.push(`${at}: bad status key ${status}`);
      if (typeof r?.description !== "string") problems.push(`${at}/responses/${status}: no description`);
      checkContent(r?.content, `${at}/responses/${status}`);
      for (const [name, h] of Object.entries((r?.headers ?? {}) as Json))
        if (h.schema) compiles(`${at}/responses/${status}/headers/${pointerEscape(name)}/schema`);
    }
    if (op.requestBody) {
      if (Object.keys(op.requestBody.content ?? {}).length === 0) problems.push(`${at}: requestBody without content`);
      checkContent(op.requestBody.content, `${at}/requestBody`);
    }
    const params: Json[] = op.parameters ?? [];
    params.forEach((p, i) => {
      if (typeof p.name !== "string" || !["query", "header", "path", "cookie"].includes(p.in) || !p.schema)
        problems.push(`${at}/parameters/${i}: needs name, in and schema`);
      else compiles(`${at}/parameters/${i}/schema`);
      if (p.in === "path" && p.required !== true) problems.push(`${at}: path parameter ${p.name} must be required`);
    });
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
    const declared = params
      .filter((p) => p.in === "path")
      .map((p) => p.name as string)
      .sort();
    if (JSON.stringify(inTemplate) !== JSON.stringify(declared))
      problems.push(`${at}: path parameters ${declared} do not match the template's ${inTemplate}`);
  }
  for (const [name, r] of Object.entries((doc.components?.responses ?? {}) as Json))
    checkContent(r.content, `#/components/responses/${pointerEscape(name)}`);
  return problems;
}

/** The routes an express app registers (method and path, `:param` as `{param}`), sorted; `app.all` ones left out. */
export function listAppRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Json } }[] } }).router.stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, "{$1}");
    const methods = Object.entries(layer.route.methods).filter(([, on]) => on);
    // app.all registers every method of http.METHODS (the 405 answers): not an operation.
    if (methods.length >= HTTP_METHODS.length) continue;
    for (const [method, on] of methods) if (on && method !== "_all") out.add(`${method.toUpperCase()} ${path}`);
  }
  return [...out].sort();
}

/** The operations of the document as "METHOD /path/{param}", sorted. */
export function listDocumentRoutes(doc: OpenApiDocument): string[] {
  return operations(doc)
    .map(([method, path]) => `${method.toUpperCase()} ${path}`)
    .sort();
}

export type ApiAnswer = { status: number; headers: Headers; text: string; body: any };

/**
 * A client for the service at `baseUrl` that checks every answer against `doc`: the status must be documented
 * for the operation, the Content-Type one of that response's media types, the body valid against its schema
 * (JSON parsed first; text as a string) and every documented header that is present valid against its schema.
 * A JSON body the service answered 2xx to must fit the operation's request body schema.
 * `unchecked()` lists the documented responses ("METHOD /path STATUS") no answer has been checked against yet.
 */
export function createCheckedClient(doc: OpenApiDocument, baseUrl: string) {
  const { compile } = createAjv(doc);
  const seen = new Set<string>();

  function check(at: string, response: Json, answer: ApiAnswer, label: string) {
    if (response.$ref) {
      at = response.$ref;
      response = resolvePointer(doc, response.$ref) as Json;
    }
    for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
      const value = answer.headers.get(name);
      if (value === null) {
        assert.ok(!header.required, `${label}: header ${name} is required`);
        continue;
      }
      const v = compile(`${at}/headers/${pointerEscape(name)}/schema`);
      assert.ok(v(value), `${label}: header ${name}: ${value}: ${JSON.stringify(v.errors)}`);
    }
    const content = response.content as Json | undefined;
    if (!content) {
      assert.equal(answer.text, "", `${label}: a body where the document has none`);
      return;
    }
    const type = (answer.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    assert.ok(Object.hasOwn(content, type), `${label}: Content-Type ${type} is not one of ${Object.keys(content)}`);
    const v = compile(`${at}/content/${pointerEscape(type)}/schema`);
    assert.ok(
      v(answer.body),
      `${label}: the body does not fit the document:\n${JSON.stringify(v.errors, null, 2)}\n${answer.text.slice(0, 2000)}`,
    );
  }

  return {
    /**
     * Sends `method template` with `params` filled in (raw: not URL-encoded, so a test can send malformed values),
     * `query`, `headers` and `body` (an object as JSON; Content-Type application/json unless `headers` name another), and checks the answer against the operation's documented response for its status.
     */
    async request(
      method: string,
      template: string,
      o: {
        params?: Record<string, string | number>;
        query?: Record<string, string | number>;
        headers?: Record<string, string>;
        body?: unknown;
      } = {},
    ): Promise<ApiAnswer> {
      const op = doc.paths[template]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${template} is not in the document`);
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        assert.ok(o.params?.[name] !== undefined, `parameter ${name} of ${template}`);
        return String(o.params[name]);
      });
      const qs = new URLSearchParams(Object.entries(o.query ?? {}).map(([k, v]) => [k, String(v)])).toString();
      const headers: Record<string, string> = { ...o.headers };
      let body: string | Uint8Array | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === "string" || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
          headers["content-type"] = "application/json";
      }
      const res = await fetch(`${baseUrl}${path}${qs ? `?${qs}` : ""}`, {
        method,
        headers,
        body: body as BodyInit | undefined,
      });
      const answer = await readAnswer(res);
      const label = `${method} ${template} ${res.status}`;
      const response = op.responses?.[String(res.status)];
      assert.ok(response, `${label} is not documented: ${answer.text.slice(0, 500)}`);
      check(
        `#/paths/${pointerEscape(template)}/${method.toLowerCase()}/responses/${res.status}`,
        response,
        answer,
        label,
      );
      seen.add(label);
      if (typeof answer.body?.code === "string") seen.add(`${label} ${answer.body.code}`);
      // The service took the body: it must fit the documented request body (or the document is too strict).
      const sent = op.requestBody?.content?.["application/json"];
      if (res.status < 300 && sent && typeof o.body === "object" && !(o.body instanceof Uint8Array)) {
        const v = compile(
          `#/paths/${pointerEscape(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`,
        );
        assert.ok(v(o.body), `${label}: the service took a body the document refuses: ${JSON.stringify(v.errors)}`);
      }
      return answer;
    },
    /** Checks an answer against `#/components/responses/<name>` (for answers no single operation describes). */
    checkComponent(name: string, answer: ApiAnswer): void {
      const response = doc.components?.responses?.[name];
      assert.ok(response, `components.responses.${name}`);
      check(`#/components/responses/${pointerEscape(name)}`, response, answer, `components.responses.${name}`);
    },
    /** The documented error codes ("METHOD /path STATUS CODE") no checked answer has carried yet. */
    uncheckedCodes(): string[] {
      const out: string[] = [];
      for (const [method, path, op] of operations(doc))
        for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
          const schema = response.content?.["application/json"]?.schema;
          for (const code of schema?.properties?.code?.enum ?? []) {
            const label = `${method.toUpperCase()} ${path} ${status} ${code}`;
            if (!seen.has(label)) out.push(label);
          }
        }
      return out.sort();
    },
    unchecked(): string[] {
      const out: string[] = [];
      for (const [method, path, op] of operations(doc))
        for (const status of Object.keys(op.responses ?? {})) {
          const label = `${method.toUpperCase()} ${path} ${status}`;
          if (!seen.has(label)) out.push(label);
        }
      return out.sort();
    },
  };
}

/** Reads a fetch response: its text, parsed as JSON when the Content-Type says JSON. */
export async function readAnswer(res: Response): Promise<ApiAnswer> {
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  let body: unknown = text;
  if (/^application\/(.+\+)?json\b/.test(type)) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body };
}
