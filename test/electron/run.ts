// For people with desktop VS Code: runs the same extension-host suite under @vscode/test-electron
// (downloads VS Code; not part of CI, which uses code-server: see test/e2e).
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(__dirname, '../..');
void runTests({ extensionDevelopmentPath: root, extensionTestsPath: path.join(root, '.cache/e2e/suite/index.js') })
  .catch((e) => { console.error(e); process.exit(1); });
