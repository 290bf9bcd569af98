/** The generated module's path. */
export declare const OUTPUT: URL;
/** The generated module's text. */
export declare function generate(): string;
