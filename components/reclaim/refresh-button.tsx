'use client';
// Renders the page's server parts again (the preflight asks the database anew).
import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';

export function RefreshButton({ label = 'Refresh' }: { label?: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button variant="secondary" className="px-2 py-0.5 text-xs" disabled={pending} onClick={() => start(() => router.refresh())}>
      {pending ? 'Checking…' : label}
    </Button>
  );
}
