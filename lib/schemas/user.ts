import { z } from 'zod';

export const ROLES = ['viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'Username is required')
  .max(64, 'Username is at most 64 characters')
  .regex(/^[A-Za-z0-9_.@-]+$/, 'Username may contain letters, digits, and _ . @ -');

export const newPasswordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password is at most 200 characters');

export const roleSchema = z.enum(ROLES, { error: 'Role must be viewer or operator' });

export const signInSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'Password is required').max(200, 'Password is at most 200 characters'),
});
