// A file read for analysis: its path relative to the scan root, its text and a line index.

import { LineIndex, type Location } from '../core/location.js';

export class SourceFile {
  readonly lines: LineIndex;

  constructor(
    /** Path relative to the scan root, forward slashes. */
    readonly path: string,
    readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  location(start: number, end: number): Location {
    return this.lines.location(this.path, start, end);
  }
}

/** A problem found while parsing, with the offset where it was detected. */
export interface ParseProblem {
  message: string;
  offset: number;
  length: number;
}
