// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * HTTP trigger routing as the Functions host does it (ASP.NET route templates under the
 * `routePrefix`): `{id}`, `{id?}`, `{id:int}`, `{*rest}`, case-insensitive literals, route
 * defaulting to the function name. A route that matches with the wrong method is a 404, as in Azure.
 */
import type { RegisteredFunction } from "./coreApi";
import { triggerOf } from "./coreApi";

export type AuthLevel = "anonymous" | "function" | "admin";

export interface HttpFunctionRoute {
  fn: RegisteredFunction;
  template: string;
  /** Upper-case; undefined = every method. */
  methods: string[] | undefined;
  authLevel: AuthLevel;
  /** Route parameter values when `path` (already without the query) matches. */
  match(path: string): Record<string, string> | undefined;
}

const constraintPatterns: Record<string, string> = {
  int: "-?\\d+",
  long: "-?\\d+",
  alpha: "[A-Za-z]+",
  bool: "(?:true|false)",
  guid: "[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}",
};

export function compileRoute(fn: RegisteredFunction, routePrefix: string): HttpFunctionRoute {
  const trigger = triggerOf(fn);
  const route =
    typeof trigger?.route === "string" && trigger.route.length > 0
      ? trigger.route
      : fn.metadata.name;
  const template = [routePrefix, route]
    .filter((s) => s.length > 0)
    .join("/")
    .replace(/^\/+|\/+$/g, "");
  const names: string[] = [];
  let pattern = "^";
  for (const segment of template.split("/")) {
    const whole = /^\{(\*)?([A-Za-z_][\w]*)(?::([^}=?]+))?(\?)?(?:=[^}]*)?\}$/.exec(segment);
    if (whole) {
      const [, catchAll, name, constraint, optional] = whole;
      names.push(name as string);
      const value = catchAll
        ? "(.*)"
        : `(${constraintPatterns[constraint?.split(":")[0]?.toLowerCase() ?? ""] ?? "[^/]+"})`;
      pattern += optional || catchAll ? `(?:/${value})?` : `/${value}`;
      continue;
    }
    pattern += "/";
    for (const part of segment.split(/(\{[^}]+\})/).filter(Boolean)) {
      const param = /^\{([A-Za-z_][\w]*)(?::[^}]*)?\??\}$/.exec(part);
      if (param) {
        names.push(param[1] as string);
        pattern += "([^/]+?)";
      } else {
        pattern += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }
    }
  }
  const regex = new RegExp(`${pattern}/?$`, "i");
  const methods = Array.isArray(trigger?.methods)
    ? (trigger.methods as string[]).map((m) => m.toUpperCase())
    : undefined;
  const level = String(trigger?.authLevel ?? "function").toLowerCase();
  return {
    fn,
    template,
    methods,
    authLevel: level === "anonymous" || level === "admin" ? level : "function",
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = found[i + 1];
        if (value !== undefined && value !== "") params[name] = decodeURIComponent(value);
      });
      return params;
    },
  };
}

/** First route whose template and method both match, as the host's route table picks it. */
export function findRoute(
  routes: readonly HttpFunctionRoute[],
  method: string,
  path: string,
): { route: HttpFunctionRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.methods && !route.methods.includes(method.toUpperCase())) continue;
    const params = route.match(path);
    if (params) return { route, params };
  }
  return undefined;
}
