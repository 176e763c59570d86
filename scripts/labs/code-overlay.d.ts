/** Types of code-overlay.js: the labs' one resolution rule (see that file). */
export declare const REPO_ROOT: string;
export declare const SOLUTION_SRC: string;
/** `<codeRoot>/src` for a lab or variant folder (repository-relative or absolute); undefined for solution/. */
export declare function overlaySrc(codeRoot: string | undefined): string | undefined;
/** The file a src-relative module path (e.g. `lib/orders`) means: the lab's if present, else the solution's. */
export declare function locate(srcRelative: string, labSrc: string | undefined): string | undefined;
/** Where `request`, imported from `fromFile`, resolves under the rule; undefined when the rule does not apply. */
export declare function resolveOverlay(request: string, fromFile: string, labSrc: string | undefined): string | undefined;
