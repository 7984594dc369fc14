/** One line of a chart: (x, y) points with an optional tooltip note; `key` picks its colour. */
export interface Series {
  label: string;
  points: { x: number; y: number; tip?: string }[];
  /** Colour key: a codec name gets its fixed colour. */
  key?: string;
  dashed?: boolean;
}
