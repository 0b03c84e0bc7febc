// The parts of the session stores the compat suite calls (the packages ship no types).
type Callback<T = unknown> = (err: unknown, value?: T) => void;

declare module 'express-session' {
  const session: { Store: new () => object };
  export default session;
}

declare module 'connect-pg-simple' {
  export class PGStore {
    constructor(options: { pool: import('pg').Pool; createTableIfMissing?: boolean; pruneSessionInterval?: false | number });
    set(sid: string, sess: object, cb: Callback): void;
    get(sid: string, cb: Callback<Record<string, unknown> | null>): void;
    query(sql: string, params: unknown[], cb: Callback<Record<string, unknown>>): void;
    pruneSessions(cb: Callback): void;
    close(): Promise<void>;
  }
  export default function connectPgSimple(session: unknown): typeof PGStore;
}

declare module 'express-mysql-session' {
  export class MySQLStore {
    constructor(options: { host: string; port: number; user: string; password: string; database: string; clearExpired?: boolean; createDatabaseTable?: boolean });
    onReady(): Promise<void>;
    set(sid: string, data: object): Promise<void>;
    get(sid: string): Promise<Record<string, unknown> | null>;
    clearExpiredSessions(): Promise<void>;
    close(): Promise<void>;
  }
  export default function expressMysqlSession(session: unknown): typeof MySQLStore;
}
