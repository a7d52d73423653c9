import { styleText } from 'node:util';

/** Whether output takes colour: the shim decides (a terminal that shows it, NO_COLOR unset). */
export interface Styled {
  colour?: boolean;
}

/** `text` in a terminal colour when the output takes colour (node:util styleText), unchanged otherwise. */
export function paint(io: Styled, format: 'red' | 'yellow' | 'green' | 'bold', text: string): string {
  // the shim decided whether the output takes colour: styleText is told not to second-guess it from the stream
  return io.colour ? styleText(format, text, { validateStream: false }) : text;
}
