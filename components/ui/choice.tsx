// A radio button as a card: a title and a sentence about what choosing it means.
export function Choice({ name, value, checked, onChange, title, text }: { name: string; value: string; checked: boolean; onChange: () => void; title: string; text: string }) {
  return (
    <label className={`flex cursor-pointer gap-3 rounded-md border px-3 py-2 text-sm ${checked ? 'border-slate-900 bg-slate-50' : 'border-slate-200 hover:border-slate-400'}`}>
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} className="mt-0.5" />
      <span>
        <span className="block font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-600">{text}</span>
      </span>
    </label>
  );
}
