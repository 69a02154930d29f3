/**
 * The part of opentype.js the posters use. (Its DefinitelyTyped package pulls in the DOM library
 * for the whole project, which changes Node's `fetch` types; the functions never see a DOM.)
 */
declare module 'opentype.js' {
  export interface PathCommandData {
    type: 'M' | 'L' | 'Q' | 'C' | 'Z'
    x?: number
    y?: number
    x1?: number
    y1?: number
    x2?: number
    y2?: number
  }
  export interface Path {
    commands: PathCommandData[]
  }
  export interface Font {
    getAdvanceWidth(text: string, fontSize?: number): number
    getPath(text: string, x: number, y: number, fontSize: number): Path
    getPaths(text: string, x: number, y: number, fontSize: number): Path[]
  }
  export function parse(buffer: ArrayBuffer, options?: { lowMemory?: boolean }): Font
}
