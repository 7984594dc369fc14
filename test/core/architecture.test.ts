// Architecture rules that keep the core testable without Electron.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('architecture', () => {
  it("lint forbids importing 'electron' in core, CLI and server, and allows it in the shell", async () => {
    const eslint = new ESLint();
    const code = "import { app } from 'electron';\nexport const name = app.getName();\n";
    for (const file of ['src-main/core/engine/x.ts', 'src-main/cli/x.ts', 'src-main/server/x.ts']) {
      const [result] = await eslint.lintText(code, { filePath: file });
      expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    }
    const [shell] = await eslint.lintText(code, { filePath: 'src-main/shell/x.ts' });
    expect(shell!.messages.map((m) => m.ruleId)).not.toContain('no-restricted-imports');
  });
});
