// Creating and updating users: from JANITOR_ADMIN_* at start, from
// `janitor users add`, and for the demo.
import 'server-only';
import { store } from '../store/client';
import { hashPassword } from './password';
import { newPasswordSchema, roleSchema, usernameSchema, type Role } from '../schemas/user';
import { AppError } from '../errors';
import { clearSignInFailures } from './rate-limit';

export async function upsertUser(input: { username: string; password: string; role: Role }) {
  const username = usernameSchema.safeParse(input.username);
  if (!username.success) throw new AppError(username.error.issues[0]!.message, 'input');
  const password = newPasswordSchema.safeParse(input.password);
  if (!password.success) throw new AppError(password.error.issues[0]!.message, 'input');
  const role = roleSchema.safeParse(input.role);
  if (!role.success) throw new AppError(role.error.issues[0]!.message, 'input');
  const db = await store();
  const passwordHash = await hashPassword(password.data);
  const existing = await db.user.findUnique({ where: { username: username.data } });
  const user = await db.user.upsert({
    where: { username: username.data },
    create: { username: username.data, passwordHash, role: role.data },
    update: { passwordHash, role: role.data },
  });
  // A changed password ends the user's existing sign-ins and lifts its back-off:
  // an operator locked out by someone else's guesses gets in with the new one.
  if (existing) {
    await db.session.deleteMany({ where: { userId: user.id } });
    await clearSignInFailures(username.data);
  }
  return { id: user.id, username: user.username, role: user.role as Role, created: !existing };
}

export async function listUsers() {
  const db = await store();
  const users = await db.user.findMany({ orderBy: { username: 'asc' } });
  return users.map((u) => ({ username: u.username, role: u.role as Role, createdAt: u.createdAt.toISOString() }));
}
