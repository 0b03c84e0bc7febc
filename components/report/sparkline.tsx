// A small line of the database's total size over time (no axes: the numbers
// beside it carry the scale).
export function Sparkline({ values, height = 48, label }: { values: number[]; height?: number; label: string }) {
  // Drawn in a 240-wide box and stretched to the card's width; strokes keep their thickness.
  const width = 240;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const pad = 3;
  const x = (i: number) => pad + (i / Math.max(1, values.length - 1)) * (width - 2 * pad);
  // A flat history draws a line through the middle rather than along the floor.
  const y = (v: number) => (max === min ? height / 2 : height - pad - ((v - min) / span) * (height - 2 * pad));
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `${pad},${height - pad} ${points} ${x(values.length - 1).toFixed(1)},${height - pad}`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} preserveAspectRatio="none" role="img" aria-label={label} className="overflow-visible">
      <polygon points={area} className="fill-blue-100" />
      <polyline points={points} fill="none" className="stroke-blue-600" strokeWidth={1.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
