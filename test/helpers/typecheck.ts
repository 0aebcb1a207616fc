import ts from 'typescript';

/** Compiles files as a service would (strict, NodeNext, no emit) and returns each error as `file:line: message`. */
export const typeErrors = (files: readonly string[], paths: Record<string, string[]> = {}): string[] => {
  const program = ts.createProgram([...files], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
    noUnusedLocals: true,
    ...(Object.keys(paths).length ? { paths } : {}),
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '(program)';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
};
