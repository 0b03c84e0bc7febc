// Native / WASM database drivers stay outside the server bundle.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['pg', 'mysql2', '@libsql/client', '@prisma/adapter-libsql', '@prisma/adapter-pg', '@electric-sql/pglite', '@electric-sql/pglite-socket', 'pg-boss'],
  poweredByHeader: false,
  typedRoutes: false,
};
export default nextConfig;
