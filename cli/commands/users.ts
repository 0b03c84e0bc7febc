// janitor users add NAME --role viewer|operator   (password from stdin)
// janitor users list
// janitor users unlock NAME
import { z } from 'zod';
import { parseFlags } from '../args';
import { readStdin, table } from '../output';
import { listUsers, upsertUser } from '@/lib/auth/users';
import { roleSchema, usernameSchema } from '@/lib/schemas/user';
import { audit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { clearSignInFailures } from '@/lib/auth/rate-limit';
import { readPasswordFromTty } from '../tty-password';

export async function usersCommand(argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const users = await listUsers();
    console.log(users.length ? table([['username', 'role', 'created'], ...users.map((u) => [u.username, u.role, u.createdAt])], ['l', 'l', 'l']) : '(no users)');
    return;
  }
  if (sub === 'unlock') {
    const { positionals } = parseFlags(rest, {}, z.object({}), { positionals: true });
    const name = usernameSchema.safeParse(positionals[0]);
    if (positionals.length !== 1 || !name.success) throw new AppError('usage: janitor users unlock NAME', 'input');
    const forgotten = await clearSignInFailures(name.data);
    await audit({ actor: 'cli', action: 'user.unlock', target: name.data, detail: { forgotten }, outcome: 'ok' });
    console.log(`unlocked "${name.data}": ${forgotten} failed sign-in${forgotten === 1 ? '' : 's'} forgotten`);
    return;
  }
  if (sub !== 'add') throw new AppError('usage: janitor users add NAME --role viewer|operator  |  users list  |  users unlock NAME', 'input');
  const { flags, positionals } = parseFlags(rest, { role: { type: 'string' } }, z.object({ role: roleSchema }), { positionals: true });
  if (positionals.length !== 1) throw new AppError('usage: janitor users add NAME --role viewer|operator (password on stdin)', 'input');
  const name = usernameSchema.safeParse(positionals[0]);
  if (!name.success) throw new AppError(name.error.issues[0]!.message, 'input');
  const password = process.stdin.isTTY ? await readPasswordFromTty('Password: ') : await readStdin();
  if (!password) throw new AppError('no password given on stdin', 'input');
  const user = await upsertUser({ username: name.data, password, role: flags.role });
  await audit({ actor: 'cli', action: user.created ? 'user.add' : 'user.update', target: user.username, detail: { role: user.role }, outcome: 'ok' });
  console.log(`${user.created ? 'created' : 'updated'} ${user.role} "${user.username}"`);
}
