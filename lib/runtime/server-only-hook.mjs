// Module resolution hook: `import 'server-only'` becomes an empty module outside Next (a run's thread, benches).
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export{}', shortCircuit: true };
  return next(specifier, context);
}
