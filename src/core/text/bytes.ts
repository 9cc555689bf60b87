/** Sizes as people read them: `512 B`, `12.3 MB`, `1.02 GB` (powers of 1000, like the S3 consoles). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${units[unit]}`;
}
