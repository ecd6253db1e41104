// Marathon's 422 details name JSON paths (/cpus, /container/volumes(0)/hostPath), Chronos' 400 a field
// ('constraints[0][1]'): map them to ranges.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { ErrorDetail } from '../../runtime/client/marathon';

export function pathSegments(path: string): Array<string | number> {
  return path.split('/').filter(Boolean).flatMap((part) => {
    const m = /^(.*)\((\d+)\)$/.exec(part);
    return m ? [...(m[1] ? [m[1]] : []), Number(m[2])] : [part];
  });
}

/** The node at the path, or its nearest existing ancestor (a missing field is reported on its object). */
function nodeFor(root: Node, segments: Array<string | number>): Node {
  for (let n = segments.length; n > 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (node) return node.parent?.type === 'property' ? node.parent : node;
  }
  return root;
}

/** An error at the JSON path `segments` of the document (or the nearest node there is). */
export function diagnosticAt(doc: vscode.TextDocument, segments: Array<string | number>, message: string, source: string): vscode.Diagnostic {
  const root = parseTree(doc.getText());
  const node = root ? nodeFor(root, segments) : undefined;
  const range = node ? new vscode.Range(doc.positionAt(node.offset), doc.positionAt(node.offset + node.length)) : new vscode.Range(0, 0, 0, 0);
  const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = source;
  return diagnostic;
}

export function detailsToDiagnostics(doc: vscode.TextDocument, details: ErrorDetail[]): vscode.Diagnostic[] {
  return details.flatMap((d) => d.errors.map((error) => diagnosticAt(doc, pathSegments(d.path), `${d.path || '/'}: ${error}`, 'Marathon')));
}
