// Native / WASM database drivers stay outside the server bundle.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['pg', 'mysql2', '@libsql/client', '@prisma/adapter-libsql', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
  poweredByHeader: false,
  typedRoutes: false,
};
export default nextConfig;
