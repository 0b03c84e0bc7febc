'use client';
import { useActionState } from 'react';
import { signInAction, type SignInState } from '@/lib/actions/sign-in';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';

export function LoginForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Field id="username" name="username" label="Username" autoComplete="username" required defaultValue={state.username} autoFocus />
      <Field id="password" name="password" label="Password" type="password" autoComplete="current-password" required />
      {next && <input type="hidden" name="next" value={next} />}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
