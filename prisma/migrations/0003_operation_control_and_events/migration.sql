-- An operator's cancel reaches an operation whichever process runs it (the web
-- app, another instance, the CLI): the worker reads this column with its
-- progress. And the attempts that could not get their lock, with who was in
-- the way, so the operation page shows them after a reload too.
ALTER TABLE "Operation" ADD COLUMN "control" TEXT;
ALTER TABLE "Operation" ADD COLUMN "events" TEXT;
